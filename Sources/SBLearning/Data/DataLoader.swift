import SBTensor
import Synchronization

/// Batches of a data set, optionally in a new random order every pass, like PyTorch's `DataLoader`.
///
/// A loader is a `Sequence` of `(features, targets)` batches; each `for` loop over it is one
/// epoch:
///
/// ```swift
/// let trainLoader = DataLoader(trainSet, batchSize: 32, shuffle: true)
/// for _ in 1...10 {
///     for (x, y) in trainLoader {
///         optimizer.zeroGrad()
///         let loss = mseLoss(model(x), y)
///         loss.backward()
///         optimizer.step()
///     }
/// }
/// ```
///
/// With `shuffle`, every pass draws a fresh permutation, as PyTorch does. The permutation of
/// epoch `e` depends only on the loader's ``seed`` and `e`, so a seeded loader replays the same
/// sequence of epochs in every run; ``batches(epoch:)`` gives any epoch's batches directly.
/// Passes started with `for … in` count epochs 0, 1, 2, … on a counter that copies of a loader
/// share (PyTorch's loader object is likewise shared).
///
/// The initialiser does not throw, so a batch size below 1 is reported by ``validate()``, and
/// iterating such a loader stops the program with the same message.
public struct DataLoader: Sequence, Sendable {
    /// The samples being batched.
    public let dataset: any Dataset
    /// The number of samples per batch; the last batch of an epoch may be smaller.
    public let batchSize: Int
    /// Whether each epoch visits the samples in a new random order.
    public let shuffle: Bool
    /// Whether an epoch leaves out its last batch when that batch is smaller than ``batchSize``.
    public let dropLast: Bool
    /// The seed every epoch's order is derived from; drawn from `GlobalRandom` when none is given.
    public let seed: UInt64
    private let epochs: EpochCounter

    /// Creates a loader over `dataset`.
    ///
    /// - Parameters:
    ///   - dataset: the samples.
    ///   - batchSize: samples per batch, at least 1 (see ``validate()``).
    ///   - shuffle: visit the samples in a new random order every epoch.
    ///   - dropLast: leave out an epoch's final, smaller batch.
    ///   - seed: fixes the shuffling; nil draws a seed from `GlobalRandom`, so seeding that with
    ///     `GlobalRandom.manualSeed(_:)` also makes the shuffles reproducible.
    public init(
        _ dataset: some Dataset, batchSize: Int, shuffle: Bool = false, dropLast: Bool = false, seed: UInt64? = nil
    ) {
        self.dataset = dataset
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.seed = seed ?? GlobalRandom.nextSeed()
        epochs = EpochCounter()
    }

    /// Checks that the loader can produce batches.
    ///
    /// - Throws: ``DataError/invalidBatchSize(_:)`` when the batch size is below 1.
    public func validate() throws(DataError) {
        guard batchSize >= 1 else { throw .invalidBatchSize(batchSize) }
    }

    /// The number of samples in the data set.
    public var datasetCount: Int { dataset.count }

    /// The number of batches in one epoch.
    ///
    /// - Precondition: the loader is valid (see ``validate()``).
    public var count: Int {
        requireValid()
        return dropLast ? datasetCount / batchSize : (datasetCount + batchSize - 1) / batchSize
    }

    public var underestimatedCount: Int { batchSize >= 1 ? count : 0 }

    /// Starts the next epoch.
    ///
    /// - Precondition: the loader is valid (see ``validate()``).
    public func makeIterator() -> Iterator {
        batches(epoch: epochs.next())
    }

    /// The batches of epoch `epoch` (from 0): the same batches every time for a given loader
    /// seed, whatever epochs came before. Does not advance the loader's epoch count.
    ///
    /// - Precondition: the loader is valid (see ``validate()``).
    public func batches(epoch: Int) -> Iterator {
        let batchCount = count
        var order = Array(0..<datasetCount)
        if shuffle {
            var generator = SeededGenerator(seed: Self.epochSeed(seed, epoch: epoch))
            generator.shuffle(&order)
        }
        return Iterator(dataset: dataset, order: order, batchSize: batchSize, batchCount: batchCount)
    }

    /// Gives each epoch its own generator stream; the odd multiplier spreads nearby epochs (and
    /// nearby seeds) far apart before SplitMix64 seeding mixes them further.
    private static func epochSeed(_ seed: UInt64, epoch: Int) -> UInt64 {
        seed ^ ((UInt64(truncatingIfNeeded: epoch) &+ 1) &* 0xD1B5_4A32_D192_ED03)
    }

    private func requireValid() {
        do {
            try validate()
        } catch {
            fatalError(error.description)
        }
    }

    /// The batches of one epoch. Also a `Sequence` of itself, so `for (x, y) in
    /// loader.batches(epoch: 3)` works.
    public struct Iterator: IteratorProtocol, Sequence, Sendable {
        private let dataset: any Dataset
        private let order: [Int]
        private let batchSize: Int
        private let batchCount: Int
        private var nextBatch = 0

        fileprivate init(dataset: any Dataset, order: [Int], batchSize: Int, batchCount: Int) {
            self.dataset = dataset
            self.order = order
            self.batchSize = batchSize
            self.batchCount = batchCount
        }

        public var underestimatedCount: Int { batchCount - nextBatch }

        public mutating func next() -> (features: Tensor, targets: Tensor)? {
            guard nextBatch < batchCount else { return nil }
            let start = nextBatch * batchSize
            let indices = Array(order[start..<Swift.min(start + batchSize, order.count)])
            nextBatch += 1
            return dataset.batch(indices)
        }
    }
}

/// The number of epochs started on a loader and its copies.
private final class EpochCounter: Sendable {
    private let started = Mutex(0)

    /// The index of the epoch being started.
    func next() -> Int {
        started.withLock { started in
            defer { started += 1 }
            return started
        }
    }
}
