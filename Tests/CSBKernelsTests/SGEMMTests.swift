import CSBKernels
import Foundation
import Synchronization
import Testing

/// Deterministic values in [-1, 1) (SplitMix64), so a failure reproduces exactly.
private struct SplitMix {
    var state: UInt64

    mutating func next() -> Float {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        return Float(z >> 40) / Float(1 << 23) - 1
    }

    mutating func fill(_ count: Int) -> [Float] {
        (0..<count).map { _ in next() }
    }
}

struct Shape: Sendable, CustomTestStringConvertible {
    let m: Int, n: Int, k: Int
    var testDescription: String { "\(m)×\(k) · \(k)×\(n)" }
}

struct Layout: Sendable, CustomTestStringConvertible {
    let transA: Bool, transB: Bool
    var testDescription: String { "\(transA ? "Aᵀ" : "A")·\(transB ? "Bᵀ" : "B")" }
}

/// Odd sizes around the micro-tile edges (6×16 and 4×8), sizes that cross the cache blocks
/// (257 > KC = 256 and > MC = 144; 4113 > NC = 4096) and the model's own shapes.
private let shapes: [Shape] = [
    Shape(m: 1, n: 1, k: 1), Shape(m: 5, n: 7, k: 17), Shape(m: 17, n: 5, k: 7),
    Shape(m: 7, n: 17, k: 5), Shape(m: 1, n: 33, k: 100), Shape(m: 100, n: 1, k: 33),
    Shape(m: 33, n: 100, k: 1), Shape(m: 17, n: 257, k: 33), Shape(m: 257, n: 17, k: 100),
    Shape(m: 100, n: 33, k: 257), Shape(m: 257, n: 257, k: 257), Shape(m: 5, n: 4113, k: 3),
    Shape(m: 32, n: 64, k: 64), Shape(m: 64, n: 256, k: 784),
]

private let layouts: [Layout] = [
    Layout(transA: false, transB: false), Layout(transA: true, transB: false),
    Layout(transA: false, transB: true), Layout(transA: true, transB: true),
]

/// Operands stored with padded leading dimensions, so that ignoring lda/ldb/ldc would show.
private struct Problem {
    let shape: Shape, layout: Layout
    let a: [Float], lda: Int
    let b: [Float], ldb: Int
    let ldc: Int
    /// op(A) · op(B) and Σ|a·b| per element of C, in Double.
    let product: [Double], magnitude: [Double]

    init(_ shape: Shape, _ layout: Layout, seed: UInt64) {
        var random = SplitMix(state: seed)
        let (m, n, k) = (shape.m, shape.n, shape.k)
        self.shape = shape
        self.layout = layout
        lda = (layout.transA ? m : k) + 3
        ldb = (layout.transB ? k : n) + 2
        ldc = n + 5
        let a = random.fill((layout.transA ? k : m) * lda)
        let b = random.fill((layout.transB ? n : k) * ldb)
        var product = [Double](repeating: 0, count: m * n)
        var magnitude = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = 0.0, size = 0.0
                for p in 0..<k {
                    let x = Double(layout.transA ? a[p * lda + i] : a[i * lda + p])
                    let y = Double(layout.transB ? b[j * ldb + p] : b[p * ldb + j])
                    sum += x * y
                    size += abs(x * y)
                }
                product[i * n + j] = sum
                magnitude[i * n + j] = size
            }
        }
        self.a = a
        self.b = b
        self.product = product
        self.magnitude = magnitude
    }

    /// Runs sb_sgemm on a C prefilled with `initial` (or NaN when beta == 0, which must not be
    /// read) and returns how many elements are off, including writes into C's row padding.
    func mismatches(alpha: Float, beta: Float, seed: UInt64) -> Int {
        let (m, n, k) = (shape.m, shape.n, shape.k)
        var random = SplitMix(state: seed)
        let padding: Float = 12345
        var c = [Float](repeating: padding, count: m * ldc)
        var initial = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                initial[i * n + j] = random.next()
                c[i * ldc + j] = beta == 0 ? .nan : initial[i * n + j]
            }
        }
        sb_sgemm(
            layout.transA ? 1 : 0, layout.transB ? 1 : 0, m, n, k, alpha, a, lda, b, ldb, beta,
            &c, ldc)
        var bad = 0
        for i in 0..<m {
            for j in 0..<n {
                let old = beta == 0 ? 0 : Double(beta) * Double(initial[i * n + j])
                let expected = Double(alpha) * product[i * n + j] + old
                let tolerance = 1e-4 * (Double(abs(alpha)) * magnitude[i * n + j] + abs(old)) + 1e-30
                if !(abs(Double(c[i * ldc + j]) - expected) <= tolerance) { bad += 1 }
            }
            for j in n..<ldc where c[i * ldc + j] != padding { bad += 1 }
        }
        return bad
    }
}

/// sb_sgemm_force_generic applies to the calling thread, so each case forces and computes without a
/// suspension point in between (synchronous functions), and cases or other suites running side by side
/// keep their own kernel.
@Suite
struct SGEMMTests {
    @Test(arguments: shapes, layouts)
    func matchesDoubleReference(shape: Shape, layout: Layout) {
        let problem = Problem(shape, layout, seed: UInt64(shape.m * 1_000_003 + shape.n * 1009 + shape.k))
        defer { sb_sgemm_force_generic(0) }
        for forceGeneric in [false, true] {
            sb_sgemm_force_generic(forceGeneric ? 1 : 0)
            let kernel = String(cString: sb_sgemm_kernel())
            for (alpha, beta): (Float, Float) in [(1, 0), (1, 1), (-0.75, 0.5), (2, 0)] {
                let bad = problem.mismatches(alpha: alpha, beta: beta, seed: 7)
                #expect(bad == 0, "kernel \(kernel), alpha \(alpha), beta \(beta): \(bad) wrong elements")
            }
        }
    }

    @Test func kernelNameFollowsForcing() {
        defer { sb_sgemm_force_generic(0) }
        let automatic = String(cString: sb_sgemm_kernel())
        #expect(["avx2+fma", "generic"].contains(automatic))
        #if !arch(x86_64)
            #expect(automatic == "generic")
        #endif
        sb_sgemm_force_generic(1)
        #expect(String(cString: sb_sgemm_kernel()) == "generic")
        // Only on this thread: work elsewhere keeps the detected kernel meanwhile.
        let elsewhere = Mutex("")
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            elsewhere.withLock { $0 = String(cString: sb_sgemm_kernel()) }
            done.signal()
        }
        done.wait()
        #expect(elsewhere.withLock { $0 } == automatic)
        sb_sgemm_force_generic(0)
        #expect(String(cString: sb_sgemm_kernel()) == automatic)
    }

    @Test func emptyOutputIsNotTouched() {
        var c: [Float] = [1, 2, 3]
        sb_sgemm(0, 0, 0, 3, 4, 1, nil, 4, nil, 3, 0, &c, 3)
        sb_sgemm(0, 0, 3, 0, 4, 1, nil, 4, nil, 1, 0, &c, 1)
        #expect(c == [1, 2, 3])
    }

    /// K == 0 and alpha == 0 leave only beta · C, without reading A or B (here full of NaN).
    @Test(arguments: [0, 3])
    func noProductScalesC(k: Int) {
        let nan = [Float](repeating: .nan, count: 2 * max(k, 1) * 3)
        let alpha: Float = k == 0 ? 1 : 0
        var c: [Float] = [.nan, .nan, .nan, .nan, .nan, .nan]
        sb_sgemm(0, 0, 2, 3, k, alpha, nan, max(k, 1), nan, 3, 0, &c, 3)
        #expect(c == [0, 0, 0, 0, 0, 0])
        c = [1, 2, 3, 4, 5, 6]
        sb_sgemm(0, 0, 2, 3, k, alpha, nan, max(k, 1), nan, 3, 1, &c, 3)
        #expect(c == [1, 2, 3, 4, 5, 6])
        sb_sgemm(0, 0, 2, 3, k, alpha, nan, max(k, 1), nan, 3, -2, &c, 3)
        #expect(c == [-2, -4, -6, -8, -10, -12])
    }

    /// Each thread packs into its own scratch buffer; differently sized products running at
    /// once (each growing its buffer) must not disturb each other.
    @Test func concurrentCallsAreIndependent() async {
        let problems = (0..<6).map { t in
            Problem(
                Shape(m: 40 + 37 * t, n: 300 - 29 * t, k: 90 + 61 * t),
                layouts[t % layouts.count], seed: UInt64(t))
        }
        let failures = await withTaskGroup(of: Int.self) { group in
            for problem in problems {
                group.addTask {
                    (0..<4).reduce(0) { sum, round in
                        sum + problem.mismatches(alpha: 1, beta: 0.5, seed: UInt64(round))
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failures == 0)
    }
}
