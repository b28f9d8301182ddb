import SBTensor

/// A loss: maps a batch of predictions and the matching targets to a scalar tensor to minimise.
///
/// The free functions ``mseLoss(_:_:)``, ``crossEntropyLoss(_:_:)`` and
/// ``binaryCrossEntropyWithLogitsLoss(_:_:)`` can be passed wherever one is expected.
public typealias LossFunction = @Sendable (Tensor, Tensor) -> Tensor

/// The mean squared error between `prediction` and `target` (PyTorch's `mse_loss`, mean reduction).
///
/// The shapes must match, with one exception: a `[n, 1]` prediction and a `[n]` target (or the
/// other way round) are compared row by row. PyTorch broadcasts that pair to `[n, n]` with only a
/// warning and averages every prediction against every target, which silently trains a model
/// towards the mean; here the target is reshaped to the prediction's shape instead.
///
/// ```swift
/// let loss = mseLoss(model(features), targets)   // [batch, 1] and [batch, 1]
/// loss.backward()
/// ```
///
/// - Precondition: the shapes match (up to the column-vector case above).
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> Tensor {
    let target = target.reshapedIfColumnVector(like: prediction, loss: "mseLoss")
    return (prediction - target).square().mean()
}

/// The cross-entropy between `logits` `[n, classes]` and class indices `targets` `[n]`, averaged
/// over the batch (PyTorch's `cross_entropy`).
///
/// `logits` are raw scores: softmax is applied inside, more accurately than a separate
/// ``Softmax`` layer followed by a logarithm. `targets` hold whole numbers `0..<classes` as Float.
///
/// ```swift
/// let loss = crossEntropyLoss(model(images), labels)   // [batch, 10] and [batch]
/// ```
///
/// - Precondition: `logits` is rank 2, `targets` has one value per row, each a valid class index.
public func crossEntropyLoss(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    Tensor.crossEntropy(logits: logits, targets: targets)
}

/// The binary cross-entropy between `logits` and 0/1 `targets`, averaged (PyTorch's
/// `binary_cross_entropy_with_logits`): the loss of a sigmoid output, computed without overflow.
///
/// As with ``mseLoss(_:_:)``, a `[n, 1]` / `[n]` pair is compared row by row rather than rejected.
///
/// - Precondition: the shapes match (up to the column-vector case).
public func binaryCrossEntropyWithLogitsLoss(_ logits: Tensor, _ targets: Tensor) -> Tensor {
    let targets = targets.reshapedIfColumnVector(like: logits, loss: "binaryCrossEntropyWithLogitsLoss")
    return Tensor.binaryCrossEntropy(logits: logits, targets: targets)
}

extension Tensor {
    /// This target with `prediction`'s shape when one is `[n, 1]` and the other `[n]`; itself when
    /// the shapes already match.
    ///
    /// - Precondition: the shapes match or are that pair.
    fileprivate func reshapedIfColumnVector(like prediction: Tensor, loss: String) -> Tensor {
        if shape == prediction.shape { return self }
        let pair = [shape, prediction.shape]
        // fatalError rather than a precondition, whose message optimised builds drop.
        guard pair.contains([count]) && pair.contains([count, 1]), let reshaped = try? reshaped(prediction.shape) else {
            fatalError(
                "\(loss): prediction shape \(prediction.shape) and target shape \(shape) differ; "
                    + "reshape one so that they match")
        }
        return reshaped
    }
}
