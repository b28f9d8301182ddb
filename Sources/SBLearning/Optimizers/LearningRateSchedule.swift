import Foundation
import SBTensor

/// A learning rate as a function of the epoch (PyTorch's `torch.optim.lr_scheduler`, in closed form).
///
/// A schedule is a value: it only maps an epoch count and the initial learning rate to the
/// learning rate for that epoch. A ``LearningRateScheduler`` applies it to an optimizer; being
/// `Sendable`, a schedule can also be handed to a federated training call, which builds the
/// scheduler around the node's own optimizer. Conform a type of your own for any other shape.
///
/// ```swift
/// let schedule = CosineAnnealingLR(maxEpochs: 10)
/// schedule.learningRate(epoch: 5, baseLearningRate: 0.1)   // 0.05
/// ```
public protocol LearningRateSchedule: Sendable {
    /// The learning rate once `epoch` epochs have completed (epoch 0 is the first epoch's).
    ///
    /// - Parameters:
    ///   - epoch: the number of completed epochs (PyTorch's `last_epoch`), not negative.
    ///   - baseLearningRate: the optimizer's learning rate before scheduling began (PyTorch's `initial_lr`).
    func learningRate(epoch: Int, baseLearningRate: Float) -> Float
}

/// Multiplies the learning rate by `gamma` every `stepSize` epochs: `lr₀ · γ^⌊epoch / stepSize⌋`
/// (PyTorch's `StepLR`).
public struct StepLR: LearningRateSchedule {
    /// The number of epochs between decays.
    public let stepSize: Int
    /// The factor applied at each decay.
    public let gamma: Float

    /// Creates a schedule that multiplies the learning rate by `gamma` every `stepSize` epochs.
    ///
    /// - Precondition: `stepSize` is positive.
    public init(stepSize: Int, gamma: Float = 0.1) {
        require(stepSize > 0, "StepLR: stepSize must be positive, got \(stepSize)")
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public func learningRate(epoch: Int, baseLearningRate: Float) -> Float {
        Float(Double(baseLearningRate) * pow(Double(gamma), Double(epoch / stepSize)))
    }
}

/// Multiplies the learning rate by `gamma` every epoch: `lr₀ · γ^epoch` (PyTorch's `ExponentialLR`).
public struct ExponentialLR: LearningRateSchedule {
    /// The factor applied each epoch.
    public let gamma: Float

    /// Creates a schedule that multiplies the learning rate by `gamma` every epoch.
    public init(gamma: Float) {
        self.gamma = gamma
    }

    public func learningRate(epoch: Int, baseLearningRate: Float) -> Float {
        Float(Double(baseLearningRate) * pow(Double(gamma), Double(epoch)))
    }
}

/// Anneals the learning rate from its initial value to `minimumLearningRate` along half a cosine
/// over `maxEpochs` epochs (PyTorch's `CosineAnnealingLR`, closed form, without restarts):
///
/// ```
/// lr = η_min + (lr₀ − η_min) · (1 + cos(π · epoch / maxEpochs)) / 2
/// ```
///
/// Past `maxEpochs` the cosine continues, so the rate rises again, as PyTorch's does.
public struct CosineAnnealingLR: LearningRateSchedule {
    /// The number of epochs to reach the minimum (PyTorch's `T_max`).
    public let maxEpochs: Int
    /// The learning rate at `maxEpochs` (PyTorch's `eta_min`).
    public let minimumLearningRate: Float

    /// Creates a schedule that reaches `minimumLearningRate` after `maxEpochs` epochs.
    ///
    /// - Precondition: `maxEpochs` is positive.
    public init(maxEpochs: Int, minimumLearningRate: Float = 0) {
        require(maxEpochs > 0, "CosineAnnealingLR: maxEpochs must be positive, got \(maxEpochs)")
        self.maxEpochs = maxEpochs
        self.minimumLearningRate = minimumLearningRate
    }

    public func learningRate(epoch: Int, baseLearningRate: Float) -> Float {
        let minimum = Double(minimumLearningRate)
        let progress = Double.pi * Double(epoch) / Double(maxEpochs)
        return Float(minimum + (Double(baseLearningRate) - minimum) * (1 + cos(progress)) / 2)
    }
}
