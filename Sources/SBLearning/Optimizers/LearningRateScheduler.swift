/// Applies a ``LearningRateSchedule`` to an optimizer, one epoch at a time (PyTorch's
/// `scheduler.step()`).
///
/// The scheduler records the optimizer's learning rate when it is created as the base rate, then
/// sets `optimizer.learningRate` to the schedule's value after every ``step()``:
///
/// ```swift
/// let optimizer = SGD(model.parameters, learningRate: 0.1, momentum: 0.9)
/// let scheduler = LearningRateScheduler(optimizer, schedule: StepLR(stepSize: 30, gamma: 0.1))
/// for _ in 0..<90 {
///     for (x, y) in loader { /* zeroGrad, backward, optimizer.step() */ }
///     scheduler.step()
/// }
/// ```
///
/// `Module.fit` takes the ``LearningRateSchedule`` as its `schedule:` argument and runs a scheduler
/// for the call. A federated `train` takes the ``LearningRateSchedule`` itself (a `Sendable` value, unlike
/// the scheduler and optimizer, which belong to the namespace): it wraps the node's optimizer in a
/// scheduler when training starts and steps it after each local epoch, counting epochs across the
/// whole call rather than per round. ``Optimizer/resetState()``, called when global weights
/// arrive, leaves the learning rate alone.
public final class LearningRateScheduler {
    /// The optimizer whose learning rate is scheduled.
    public let optimizer: any Optimizer
    /// The schedule that gives the learning rate for each epoch.
    public let schedule: any LearningRateSchedule
    /// The optimizer's learning rate when the scheduler was created (PyTorch's `initial_lr`).
    public let baseLearningRate: Float
    /// The number of completed epochs (PyTorch's `last_epoch`).
    public private(set) var epoch = 0

    /// Starts scheduling `optimizer`, setting its learning rate to the schedule's value for epoch 0.
    public init(_ optimizer: any Optimizer, schedule: any LearningRateSchedule) {
        self.optimizer = optimizer
        self.schedule = schedule
        baseLearningRate = optimizer.learningRate
        optimizer.learningRate = schedule.learningRate(epoch: 0, baseLearningRate: baseLearningRate)
    }

    /// Ends an epoch: advances the epoch count and sets the optimizer's learning rate for the next.
    public func step() {
        epoch += 1
        optimizer.learningRate = schedule.learningRate(epoch: epoch, baseLearningRate: baseLearningRate)
    }

    /// The learning rate the optimizer uses now (PyTorch's `get_last_lr()`).
    public var learningRate: Float { optimizer.learningRate }
}
