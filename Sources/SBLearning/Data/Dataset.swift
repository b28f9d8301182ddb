import SBTensor

/// A collection of samples that a ``DataLoader`` can batch, like PyTorch's map-style `Dataset`.
///
/// Where PyTorch asks for one sample at a time and stacks them, a data set here hands out whole
/// batches, so that one that holds its data in tensors assembles a batch with a single
/// `Tensor.gatherRows(_:)` per tensor. ``TensorDataset`` is the ready-made implementation; write
/// your own to generate or decode samples on demand:
///
/// ```swift
/// struct Squares: Dataset {
///     var count: Int { 100 }
///     func batch(_ indices: [Int]) -> (features: Tensor, targets: Tensor) {
///         let x = indices.map(Float.init)
///         return (Tensor(x), Tensor(x.map { $0 * $0 }))
///     }
/// }
/// ```
///
/// Data sets are `Sendable` because loaders built on them are handed to training tasks.
public protocol Dataset: Sendable {
    /// The number of samples.
    var count: Int { get }

    /// The samples at `indices`, in that order, stacked along a new first dimension.
    ///
    /// - Precondition: every index is in `0..<count`.
    func batch(_ indices: [Int]) -> (features: Tensor, targets: Tensor)
}

extension Dataset {
    /// The sample at `index`, without the batch dimension.
    public subscript(index: Int) -> (features: Tensor, targets: Tensor) {
        let (features, targets) = batch([index])
        return (features.droppingBatchAxis(), targets.droppingBatchAxis())
    }
}

extension Tensor {
    /// This single-row batch as the row itself.
    fileprivate func droppingBatchAxis() -> Tensor {
        require(shape.first == 1, "a one-sample batch must have a first dimension of 1, shape is \(shape)")
        return reshapedUnchecked(Array(shape.dropFirst()))
    }
}
