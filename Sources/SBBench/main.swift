import Foundation

// `sb-bench <suite> [--repeats N]`: runs a benchmark suite and prints its figures as JSON.
let arguments = Array(CommandLine.arguments.dropFirst())
let suites: [String: (Int) throws -> [String: Any]] = [
    "federation": FederationBenchmarks.run,
    "learning": LearningBenchmarks.run,
    "network": NetworkBenchmarks.run,
    "wire": WireBenchmarks.run,
]

guard let name = arguments.first, let suite = suites[name] else {
    print("usage: sb-bench <\(suites.keys.sorted().joined(separator: "|"))> [--repeats N]")
    exit(64)
}
var repeats = 5
if let flag = arguments.firstIndex(of: "--repeats"), flag + 1 < arguments.count, let value = Int(arguments[flag + 1]),
    value > 0
{
    repeats = value
}

do {
    var report = try suite(repeats)
    report["suite"] = name
    report["machine"] = Machine.describe()
    let json = try JSONSerialization.data(withJSONObject: report, options: [.prettyPrinted, .sortedKeys])
    print(String(decoding: json, as: UTF8.self))
} catch {
    FileHandle.standardError.write(Data("sb-bench \(name): \(error)\n".utf8))
    exit(1)
}
