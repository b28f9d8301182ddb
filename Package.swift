// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Scatterbrained",
    // Mutex (module Synchronization) needs these OS versions on Apple platforms.
    platforms: [.macOS(.v15), .iOS(.v18), .tvOS(.v18), .watchOS(.v11), .visionOS(.v2)],
    products: [
        .library(name: "Scatterbrained", targets: ["Scatterbrained"]),
        .executable(name: "scatterbrained", targets: ["ScatterbrainedCLI"]),
        .executable(name: "sb-bench", targets: ["SBBench"]),
    ],
    targets: [
        // C kernels: SGEMM with an AVX2+FMA path chosen at run time, portable fallback.
        .target(name: "CSBKernels"),
        .target(name: "SBTensor", dependencies: ["CSBKernels"]),
        .target(
            name: "SBLearning",
            dependencies: ["SBTensor"],
            resources: [.copy("Resources/diabetes.csv"), .copy("Resources/digits.csv")]
        ),
        // Thin C wrappers over system headers Swift cannot see (epoll, eventfd, socket options).
        .target(name: "CSBShims"),
        // The wire protocol: pure functions over bytes (framing, messages, tensors, authentication).
        .target(name: "SBWire", dependencies: ["SBTensor"]),
        .target(name: "SBNetwork", dependencies: ["CSBShims", "SBWire"]),
        .target(name: "Scatterbrained", dependencies: ["SBTensor", "SBLearning", "SBWire", "SBNetwork"]),
        // Executables live in folders whose names differ from the library's by more than case,
        // so the package builds on case-insensitive file systems.
        .executableTarget(name: "ScatterbrainedCLI", dependencies: ["Scatterbrained"]),
        .executableTarget(name: "SBBench", dependencies: ["Scatterbrained", "CSBKernels"]),
        // Runs discovery services in a separate process, for the multi-process discovery tests.
        .executableTarget(name: "sb-discovery-probe", dependencies: ["SBNetwork", "SBWire"], path: "Sources/SBDiscoveryProbe"),
        // The README's quickstart and its plain-ML loop as users' main.swift files: building them checks
        // that the documented spelling compiles in Swift 6 mode without warnings.
        .executableTarget(name: "QuickstartExample", dependencies: ["Scatterbrained"], path: "Examples/Quickstart"),
        .executableTarget(name: "PlainMLExample", dependencies: ["Scatterbrained"], path: "Examples/PlainML"),
        // Child processes and network namespaces for the multi-process tests.
        .target(name: "SBTestSupport", path: "Tests/SBTestSupport"),
        .testTarget(name: "CSBKernelsTests", dependencies: ["CSBKernels"]),
        .testTarget(name: "SBTensorTests", dependencies: ["SBTensor"]),
        .testTarget(name: "SBLearningTests", dependencies: ["SBLearning", "Scatterbrained"]),
        .testTarget(name: "SBWireTests", dependencies: ["SBWire", "SBTensor"]),
        .testTarget(name: "SBNetworkTests", dependencies: ["SBNetwork"]),
        .testTarget(name: "SBDiscoveryTests", dependencies: ["SBNetwork", "SBWire", "SBTestSupport"]),
        .testTarget(name: "SBTransportTests", dependencies: ["SBNetwork", "SBWire", "SBTensor"]),
        .testTarget(name: "ScatterbrainedTests", dependencies: ["Scatterbrained", "SBTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
