import SBTensor

/// Per-feature statistics that scale features to zero mean and unit variance, like
/// scikit-learn's `StandardScaler`.
///
/// Fit it on the training data only and apply the same statistics to validation and test data,
/// so that no information from them leaks into training:
///
/// ```swift
/// let (scaledTrain, standardizer) = trainSet.standardized()
/// let scaledValid = standardizer.apply(to: validSet)
/// ```
///
/// The standard deviation is the population one (divisor `n`), as scikit-learn's; a constant
/// feature gets a scale of 1 so that it maps to 0 rather than to NaN.
public struct Standardizer: Sendable, Equatable {
    /// The mean of each feature, shaped like one sample's features.
    public let mean: Tensor
    /// The scale each centred feature is divided by, shaped like ``mean``.
    public let std: Tensor

    /// Uses the given statistics, e.g. ones saved alongside a model.
    ///
    /// - Precondition: `mean` and `std` have the same shape.
    public init(mean: Tensor, std: Tensor) {
        require(
            mean.shape == std.shape, "Standardizer: mean \(mean.shape) and std \(std.shape) must have the same shape")
        self.mean = mean
        self.std = std
    }

    /// Computes each feature's mean and standard deviation over the samples (the first dimension).
    ///
    /// - Precondition: `features` has rank 1 or more and at least one sample.
    public init(fitting features: Tensor) {
        require(
            features.rank >= 1 && features.shape[0] > 0,
            "Standardizer needs at least one sample to fit, features have shape \(features.shape)")
        let samples = features.shape[0]
        let width = features.count / samples
        // Two passes in Double: one-pass formulas lose the variance of features with a large mean.
        let (means, variances) = features.withUnsafeBufferPointer { values in
            var means = [Double](repeating: 0, count: width)
            for sample in 0..<samples {
                for column in 0..<width { means[column] += Double(values[sample * width + column]) }
            }
            means = means.map { $0 / Double(samples) }
            var variances = [Double](repeating: 0, count: width)
            for sample in 0..<samples {
                for column in 0..<width {
                    let deviation = Double(values[sample * width + column]) - means[column]
                    variances[column] += deviation * deviation / Double(samples)
                }
            }
            return (means, variances)
        }
        let rowShape = Array(features.shape.dropFirst())
        let scales = variances.map { variance -> Float in
            let deviation = Float(variance.squareRoot())
            return deviation > 0 ? deviation : 1
        }
        self.init(
            mean: Tensor(means.map(Float.init)).reshapedUnchecked(rowShape),
            std: Tensor(scales).reshapedUnchecked(rowShape))
    }

    /// Standardizes features `[n, ...]` whose sample shape matches the fitted one.
    public func transform(_ features: Tensor) -> Tensor {
        require(
            Array(features.shape.dropFirst()) == mean.shape,
            "Standardizer was fitted on samples of shape \(mean.shape), got features of shape \(features.shape)")
        return (features - mean) / std
    }

    /// The data set with standardized features and unchanged targets.
    public func apply(to dataset: TensorDataset) -> TensorDataset {
        TensorDataset(features: transform(dataset.features), targets: dataset.targets)
    }
}

extension TensorDataset {
    /// The data set with each feature scaled to zero mean and unit variance, and the statistics
    /// used, to apply to other data with ``Standardizer/apply(to:)``.
    ///
    /// - Precondition: the data set has at least one sample.
    public func standardized() -> (dataset: TensorDataset, standardizer: Standardizer) {
        let standardizer = Standardizer(fitting: features)
        return (standardizer.apply(to: self), standardizer)
    }
}
