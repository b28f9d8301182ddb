import Synchronization

/// A fast, seedable random number generator (xoshiro256**), seeded through SplitMix64.
///
/// The same seed gives the same sequence on every platform, which is what makes shuffles,
/// partitions and initialisations reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let shifted = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= shifted
        state.3 = rotate(state.3, 45)
        return result
    }

    private func rotate(_ value: UInt64, _ count: UInt64) -> UInt64 {
        (value << count) | (value >> (64 - count))
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A standard normal sample (Box–Muller).
    public mutating func nextNormal() -> Float {
        // 1 - u keeps the logarithm's argument in (0, 1].
        let u1 = 1 - Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        return Float((-2 * Math.log(u1)).squareRoot() * Math.cos(2 * Double.pi * u2))
    }
}

/// The process-wide generator that layer initialisers, unseeded random tensors and unseeded data
/// loaders draw from, like PyTorch's default generator.
///
/// Seed it with ``manualSeed(_:)`` for reproducible models in a program that builds them on one
/// task. Where other tasks may draw at the same time (tests run in parallel, several simulated
/// nodes in one process), ``withSeed(_:_:)`` gives the body a generator of its own instead:
///
/// ```swift
/// let model = GlobalRandom.withSeed(7) { Sequential(Linear(64, 64), ReLU(), Linear(64, 10)) }
/// ```
public enum GlobalRandom {
    private static let generator = Mutex(SeededGenerator(seed: 0x5CA7_7E2B_4A1E_D000))
    @TaskLocal private static var scoped: ScopedGenerator?

    /// Reseeds the process-wide generator.
    public static func manualSeed(_ seed: UInt64) {
        generator.withLock { $0 = SeededGenerator(seed: seed) }
    }

    /// Runs `body` with its own generator seeded with `seed`: everything in `body` (and in the
    /// child tasks it starts) that would draw from the process-wide generator draws from this one,
    /// so its results do not depend on what other tasks draw.
    public static func withSeed<R>(_ seed: UInt64, _ body: () throws -> R) rethrows -> R {
        try $scoped.withValue(ScopedGenerator(seed: seed)) { try body() }
    }

    /// Runs the asynchronous `body` with its own generator seeded with `seed`.
    public static func withSeed<R>(_ seed: UInt64, _ body: () async throws -> R) async rethrows -> R {
        try await $scoped.withValue(ScopedGenerator(seed: seed)) { try await body() }
    }

    /// Draws a fresh seed from the current generator (the scoped one inside ``withSeed(_:_:)``),
    /// for an operation that then runs on its own local generator (one lock per operation rather
    /// than one per value).
    public static func nextSeed() -> UInt64 {
        if let scoped { return scoped.nextSeed() }
        return generator.withLock { $0.next() }
    }
}

/// A generator installed for one scope by ``GlobalRandom/withSeed(_:_:)``; locked because child
/// tasks of the scope may draw from it concurrently.
private final class ScopedGenerator: Sendable {
    private let generator: Mutex<SeededGenerator>

    init(seed: UInt64) { generator = Mutex(SeededGenerator(seed: seed)) }

    func nextSeed() -> UInt64 { generator.withLock { $0.next() } }
}
