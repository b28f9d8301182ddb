import SBTensor

/// A data set held in two tensors whose first dimension indexes the samples, like PyTorch's
/// `TensorDataset`.
///
/// ```swift
/// let digits = try Datasets.digits()
/// let scaled = TensorDataset(features: digits.features / 16, targets: digits.targets)
/// let (trainSet, testSet) = scaled.split(testFraction: 0.2, seed: 42, stratified: true)
/// ```
///
/// Being a value of two tensors, it is cheap to copy and safe to share between tasks; subsets
/// and splits copy the selected rows.
public struct TensorDataset: Dataset, Sendable, Equatable {
    /// The inputs, `[count, ...]`.
    public let features: Tensor
    /// The expected outputs, `[count, ...]`: values for regression, class indices for
    /// classification.
    public let targets: Tensor

    /// Pairs features with targets row by row.
    ///
    /// - Precondition: both tensors have rank 1 or more and the same first dimension; a mismatch
    ///   stops the program with the ``DataError/rowCountMismatch(features:targets:)`` message.
    ///   Use ``checked(features:targets:)`` to handle it as an error instead.
    public init(features: Tensor, targets: Tensor) {
        do {
            self = try Self.checked(features: features, targets: targets)
        } catch {
            fatalError(error.description)
        }
    }

    private init(unchecked features: Tensor, targets: Tensor) {
        self.features = features
        self.targets = targets
    }

    /// Pairs features with targets row by row, throwing when their sample counts differ.
    ///
    /// - Precondition: both tensors have rank 1 or more (a scalar holds no samples).
    /// - Throws: ``DataError/rowCountMismatch(features:targets:)``.
    public static func checked(features: Tensor, targets: Tensor) throws(DataError) -> TensorDataset {
        require(
            features.rank >= 1 && targets.rank >= 1,
            "TensorDataset needs features and targets of rank 1 or more, got \(features.shape) and \(targets.shape)")
        guard features.shape[0] == targets.shape[0] else {
            throw .rowCountMismatch(features: features.shape[0], targets: targets.shape[0])
        }
        return TensorDataset(unchecked: features, targets: targets)
    }

    /// The number of samples.
    public var count: Int { features.shape[0] }

    public func batch(_ indices: [Int]) -> (features: Tensor, targets: Tensor) {
        (features.gatherRows(indices), targets.gatherRows(indices))
    }

    /// The samples at `indices`, in that order (indices may repeat).
    ///
    /// - Precondition: every index is in `0..<count`.
    public func subset(_ indices: [Int]) -> TensorDataset {
        let (features, targets) = batch(indices)
        return TensorDataset(unchecked: features, targets: targets)
    }

    /// One data set per index list, e.g. the parts a ``Partitioner`` computes for federated clients.
    ///
    /// ```swift
    /// let parts = try Partitioner.dirichlet(labels: trainSet.classLabels, parts: 10, alpha: 0.5, seed: 0)
    /// let clientSets = trainSet.partitioned(parts)
    /// ```
    public func partitioned(_ indexLists: [[Int]]) -> [TensorDataset] {
        indexLists.map(subset)
    }

    /// The targets as integer class labels, one per sample, for the partitioners.
    ///
    /// - Precondition: the targets hold one whole number per sample (shape `[count]` or
    ///   `[count, 1]`), as class-index targets do.
    public var classLabels: [Int] {
        require(
            targets.count == count,
            "classLabels needs one target value per sample, the targets' shape is \(targets.shape)")
        return targets.scalars.map { value in
            require(
                value.isFinite && value.rounded() == value, "classLabels needs whole-number targets, found \(value)")
            return Int(value)
        }
    }
}
