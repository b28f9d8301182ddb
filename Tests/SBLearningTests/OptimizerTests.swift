import Foundation
import Scatterbrained
import Testing

/// Optimizers and learning-rate schedules against PyTorch's formulas, written out independently
/// in Double below (the expected trajectories were also checked against torch 2.11 by hand).
@Suite("Optimizers")
struct OptimizerTests {
    // MARK: SGD

    @Test(
        "SGD follows PyTorch's update",
        arguments: [
            SGDSettings(momentum: 0, dampening: 0, weightDecay: 0, nesterov: false),
            SGDSettings(momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false),
            SGDSettings(momentum: 0.9, dampening: 0.5, weightDecay: 0, nesterov: false),
            SGDSettings(momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: true),
            SGDSettings(momentum: 0, dampening: 0, weightDecay: 0.1, nesterov: false),
            SGDSettings(momentum: 0.5, dampening: 0.1, weightDecay: 0.2, nesterov: false),
            SGDSettings(momentum: 0.8, dampening: 0, weightDecay: 0.05, nesterov: true),
        ])
    func sgdMatchesReference(settings: SGDSettings) {
        let parameter = Parameter(Tensor(start))
        let optimizer = SGD(
            [parameter], learningRate: 0.1, momentum: settings.momentum, dampening: settings.dampening,
            weightDecay: settings.weightDecay, nesterov: settings.nesterov)
        var reference = ReferenceSGD(learningRate: 0.1, settings: settings)
        var expected = start.map(Double.init)
        for step in 1...5 {
            reference.step(&expected, gradient: quadraticGradient(expected))
            backwardQuadratic(parameter)
            optimizer.step()
            #expect(isClose(parameter.value.scalars, expected), "step \(step)")
        }
    }

    @Test("SGD momentum: the first step's buffer is the gradient itself, later ones accumulate")
    func sgdMomentumByHand() {
        // Gradient of ½‖p‖² is p. Step 1: b = g = (1, −2), p = p − 0.1·b = (0.9, −1.8).
        // Step 2: b = 0.9·(1, −2) + (0.9, −1.8) = (1.8, −3.6), p = (0.72, −1.44).
        #expect(isClose(sgdTrajectory(momentum: 0.9), [[0.9, -1.8], [0.72, -1.44]]))
        // Dampening 0.5 halves only the new gradient's share: b₂ = 0.9·1 + 0.5·0.9 = 1.35, p = 0.765.
        #expect(isClose(sgdTrajectory(momentum: 0.9, dampening: 0.5), [[0.9, -1.8], [0.765, -1.53]]))
        // Nesterov looks ahead: d₁ = g + 0.9·b = 1.9 → 0.81; d₂ = 0.81 + 0.9·(0.9 + 0.81) = 2.349 → 0.5751.
        #expect(isClose(sgdTrajectory(momentum: 0.9, nesterov: true), [[0.81, -1.62], [0.5751, -1.1502]]))
        // L2 decay 0.5 adds 0.5·p to the gradient: p = 1 − 0.1·1.5 = 0.85.
        #expect(isClose(sgdTrajectory(weightDecay: 0.5).prefix(1).map { $0 }, [[0.85, -1.7]]))
    }

    // MARK: Adam and AdamW

    @Test(
        "Adam and AdamW follow PyTorch's update, with and without AMSGrad",
        arguments: [false, true], [false, true])
    func adamMatchesReference(decoupled: Bool, amsgrad: Bool) {
        let settings = AdamSettings(learningRate: 0.1, weightDecay: 0.1, decoupled: decoupled, amsgrad: amsgrad)
        let parameter = Parameter(Tensor(start))
        let optimizer = settings.makeOptimizer([parameter])
        var reference = ReferenceAdam(settings, count: start.count)
        var expected = start.map(Double.init)
        for step in 1...8 {
            reference.step(&expected, gradient: quadraticGradient(expected))
            backwardQuadratic(parameter)
            optimizer.step()
            #expect(isClose(parameter.value.scalars, expected), "step \(step)")
        }
    }

    @Test("Adam's L2 decay and AdamW's decoupled decay differ, and coincide without decay")
    func adamVersusAdamW() {
        func trajectory(_ optimizer: (Parameter) -> any Optimizer) -> [Float] {
            let parameter = Parameter(Tensor(start))
            let optimizer = optimizer(parameter)
            for _ in 0..<5 {
                backwardQuadratic(parameter)
                optimizer.step()
            }
            return parameter.value.scalars
        }
        let adam = trajectory { Adam([$0], learningRate: 0.1, weightDecay: 0.5) }
        let adamW = trajectory { AdamW([$0], learningRate: 0.1, weightDecay: 0.5) }
        // After the first step Adam's step is ≈ lr·sign(g + wd·p) while AdamW's weights also shrink
        // by 5% per step: they end more than 1e-3 apart in every coordinate.
        #expect(zip(adam, adamW).allSatisfy { abs($0 - $1) > 1e-3 }, "Adam \(adam) vs AdamW \(adamW)")
        let undecayedAdam = trajectory { Adam([$0], learningRate: 0.1) }
        #expect(undecayedAdam == trajectory { AdamW([$0], learningRate: 0.1, weightDecay: 0) })
    }

    @Test("Adam's first step moves every coordinate by about the learning rate")
    func adamFirstStepByHand() {
        // m̂ = g and v̂ = g² after one step, so the update is lr·g/(|g| + ε) ≈ lr·sign(g).
        let parameter = Parameter(Tensor([1, -2, 0.5]))
        let optimizer = Adam([parameter], learningRate: 0.01)
        backwardQuadratic(parameter, target: [0, 0, 0])
        optimizer.step()
        #expect(isClose(parameter.value.scalars, [0.99, -1.99, 0.49]))
    }

    @Test("AdamW has PyTorch's defaults; Adam's default weight decay is 0")
    func adamDefaults() {
        let adamW = AdamW([Parameter(Tensor([1]))])
        #expect(adamW.learningRate == 1e-3)
        #expect(adamW.betas == (0.9, 0.999))
        #expect(adamW.epsilon == 1e-8)
        #expect(adamW.weightDecay == 1e-2)
        #expect(adamW.amsgrad == false)
        let adam = Adam([Parameter(Tensor([1]))])
        #expect(adam.weightDecay == 0)
        #expect(adam.learningRate == 1e-3 && adam.betas == (0.9, 0.999) && adam.epsilon == 1e-8)

        // The defaults drive the update: five steps match the reference with those values.
        let parameter = Parameter(Tensor(start))
        let optimizer = AdamW([parameter])
        var reference = ReferenceAdam(
            AdamSettings(learningRate: 1e-3, weightDecay: 1e-2, decoupled: true, amsgrad: false), count: start.count)
        var expected = start.map(Double.init)
        for _ in 0..<5 {
            reference.step(&expected, gradient: quadraticGradient(expected))
            backwardQuadratic(parameter)
            optimizer.step()
        }
        #expect(isClose(parameter.value.scalars, expected))
    }

    @Test("AMSGrad divides by the largest second moment seen, so a shrinking gradient takes smaller steps")
    func amsgradKeepsTheMaximum() throws {
        func run(amsgrad: Bool) -> (values: [Float], state: OptimizerState) {
            let parameter = Parameter(Tensor([0]))
            let optimizer = Adam([parameter], learningRate: 0.1, amsgrad: amsgrad)
            // A large gradient, then small ones: v decays, its running maximum does not.
            for gradient: Float in [10, 0.1, 0.1, 0.1] {
                parameter.zeroGrad()
                (parameter.value * Tensor([gradient])).sum().backward()
                optimizer.step()
            }
            return (parameter.value.scalars, optimizer.stateDict())
        }
        let (plain, withAMSGrad) = (run(amsgrad: false), run(amsgrad: true))
        #expect(
            withAMSGrad.values[0] > plain.values[0],
            "AMSGrad took smaller steps: \(withAMSGrad.values) vs \(plain.values)")
        let maximum = try #require(withAMSGrad.state.tensors["0.max_exp_avg_sq"]?.scalars.first)
        let current = try #require(withAMSGrad.state.tensors["0.exp_avg_sq"]?.scalars.first)
        // (1 − β₂)·10², recorded at the first step; 1 − β₂ is taken of the Float β₂ the optimizer holds.
        #expect(isClose([maximum], [Double(1 - Float(0.999)) * 100]))
        #expect(current < maximum)
        #expect(plain.state.tensors["0.max_exp_avg_sq"] == nil)
    }

    @Test("SGD with momentum and AdamW minimise a quadratic", arguments: ["SGD", "AdamW"])
    func minimisesQuadratic(kind: String) {
        let parameter = Parameter(Tensor(start))
        let optimizer: any Optimizer =
            kind == "SGD"
            ? SGD([parameter], learningRate: 0.1, momentum: 0.9)
            : AdamW([parameter], learningRate: 0.05, weightDecay: 0)
        for _ in 0..<500 {
            optimizer.zeroGrad()
            let difference = parameter.value - Tensor(target)
            (difference * difference).sum().backward()
            optimizer.step()
        }
        #expect(zip(parameter.value.scalars, target).allSatisfy { abs($0 - $1) < 1e-3 }, "\(parameter.value)")
    }

    // MARK: Gradients

    @Test("Parameters without a gradient are skipped and get no state")
    func skipsParametersWithoutGradient() {
        for makeOptimizer in allKinds {
            let (used, unused) = (Parameter(Tensor(start)), Parameter(Tensor([7, 8])))
            let optimizer = makeOptimizer([used, unused])
            backwardQuadratic(used)
            optimizer.step()
            #expect(unused.value.scalars == [7, 8])
            #expect(used.value.scalars != start)
            let state = optimizer.stateDict()
            #expect(state.tensors.keys.allSatisfy { $0.hasPrefix("0.") }, "\(state.tensors.keys)")
            #expect(state.steps["1.step"] == nil)
        }
    }

    @Test("zeroGrad clears every parameter's gradient")
    func zeroGradClears() {
        let model = Linear(3, 2)
        let optimizer = SGD(model.parameters, learningRate: 0.1)
        model(Tensor.ones([4, 3])).sum().backward()
        #expect(model.parameters.allSatisfy { $0.grad != nil })
        optimizer.zeroGrad()
        #expect(model.parameters.allSatisfy { $0.grad == nil })
    }

    // MARK: State

    @Test("A loaded state continues bit for bit like the optimizer it was saved from")
    func stateDictRoundTrip() throws {
        for makeOptimizer in allKinds {
            let original = Parameter(Tensor(start))
            let optimizer = makeOptimizer([original])
            for _ in 0..<3 {
                backwardQuadratic(original)
                optimizer.step()
            }
            // Through JSON, as a checkpoint would go.
            let encoded = try JSONEncoder().encode(optimizer.stateDict())
            let saved = try JSONDecoder().decode(OptimizerState.self, from: encoded)

            let copy = Parameter(original.value)
            let restored = makeOptimizer([copy])
            restored.learningRate = 123  // overwritten by the saved hyperparameters
            try restored.loadStateDict(saved)
            #expect(restored.stateDict() == optimizer.stateDict())
            for _ in 0..<3 {
                backwardQuadratic(original)
                optimizer.step()
                backwardQuadratic(copy)
                restored.step()
                #expect(copy.value.scalars == original.value.scalars, "\(saved.kind)")
            }
        }
    }

    @Test("State dicts use PyTorch's keys and names")
    func stateDictKeys() {
        let parameters = [Parameter(Tensor([1, 2])), Parameter(Tensor.ones([2, 2]))]
        let sgd = SGD(parameters, learningRate: 0.1, momentum: 0.9)
        let adam = Adam(parameters, amsgrad: true)
        for parameter in parameters { parameter.value.sum().backward() }
        sgd.step()
        adam.step()
        let sgdState = sgd.stateDict()
        #expect(sgdState.kind == "SGD")
        #expect(Set(sgdState.tensors.keys) == ["0.momentum_buffer", "1.momentum_buffer"])
        #expect(sgdState.tensors["1.momentum_buffer"]?.shape == [2, 2])
        #expect(sgdState.hyperparameters["momentum"] == .double(Double(Float(0.9))))
        #expect(sgdState.hyperparameters["nesterov"] == .bool(false))
        let adamState = adam.stateDict()
        #expect(adamState.kind == "Adam")
        #expect(adamState.parameterShapes == [[2], [2, 2]])
        #expect(
            Set(adamState.tensors.keys)
                == ["0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq", "1.exp_avg", "1.exp_avg_sq", "1.max_exp_avg_sq"])
        #expect(adamState.steps == ["0.step": 1, "1.step": 1])
        #expect(Set(adamState.hyperparameters.keys) == ["lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"])
    }

    @Test("resetState makes the next step behave like the first")
    func resetStateRestartsMoments() {
        for makeOptimizer in allKinds {
            let trained = Parameter(Tensor(start))
            let optimizer = makeOptimizer([trained])
            for _ in 0..<3 {
                backwardQuadratic(trained)
                optimizer.step()
            }
            optimizer.resetState()
            #expect(optimizer.stateDict().tensors.isEmpty && optimizer.stateDict().steps.isEmpty)

            let fresh = Parameter(trained.value)
            let freshOptimizer = makeOptimizer([fresh])
            backwardQuadratic(trained)
            optimizer.step()
            backwardQuadratic(fresh)
            freshOptimizer.step()
            #expect(trained.value.scalars == fresh.value.scalars)
        }
    }

    @Test("Loading a state that does not fit throws and changes nothing")
    func loadMismatchThrows() throws {
        let parameter = Parameter(Tensor(start))
        let adam = Adam([parameter], learningRate: 0.1)
        backwardQuadratic(parameter)
        adam.step()
        let saved = adam.stateDict()
        let before = adam.stateDict()

        #expect(throws: OptimizerError.kindMismatch(expected: "SGD", got: "Adam")) {
            try SGD([parameter], learningRate: 0.1).loadStateDict(saved)
        }
        #expect(throws: OptimizerError.parameterCountMismatch(expected: 2, got: 1)) {
            try Adam([parameter, Parameter(Tensor([1]))]).loadStateDict(saved)
        }
        #expect(throws: OptimizerError.parameterShapeMismatch(index: 0, expected: [2], got: [19])) {
            try Adam([Parameter(Tensor([1, 2]))]).loadStateDict(saved)
        }
        var wrongShape = saved
        wrongShape.tensors["0.exp_avg"] = Tensor([1, 2])
        #expect(throws: OptimizerError.stateShapeMismatch(key: "0.exp_avg", expected: [19], got: [2])) {
            try adam.loadStateDict(wrongShape)
        }
        var missing = saved
        missing.tensors["0.exp_avg_sq"] = nil
        #expect(throws: OptimizerError.missingEntry("0.exp_avg_sq")) { try adam.loadStateDict(missing) }
        var amsgradWithoutMaximum = saved
        amsgradWithoutMaximum.hyperparameters["amsgrad"] = .bool(true)
        #expect(throws: OptimizerError.missingEntry("0.max_exp_avg_sq")) {
            try adam.loadStateDict(amsgradWithoutMaximum)
        }
        var extra = saved
        extra.tensors["0.momentum_buffer"] = Tensor(start)
        #expect(throws: OptimizerError.unexpectedEntry("0.momentum_buffer")) { try adam.loadStateDict(extra) }
        var badStep = saved
        badStep.steps["0.step"] = 0
        #expect(throws: OptimizerError.invalidEntry(key: "0.step", reason: "must be positive, got 0")) {
            try adam.loadStateDict(badStep)
        }
        var badBeta = saved
        badBeta.hyperparameters["beta1"] = .double(1)
        #expect(throws: OptimizerError.invalidHyperparameters("beta1 must be in [0, 1), got 1.0")) {
            try adam.loadStateDict(badBeta)
        }
        var notANumber = saved
        notANumber.hyperparameters["lr"] = .string("fast")
        #expect(throws: OptimizerError.invalidEntry(key: "lr", reason: "must be a number")) {
            try adam.loadStateDict(notANumber)
        }
        #expect(adam.stateDict() == before)

        let sgd = SGD([parameter], learningRate: 0.1, momentum: 0.9)
        var nesterovWithDampening = sgd.stateDict()
        nesterovWithDampening.hyperparameters["nesterov"] = .bool(true)
        nesterovWithDampening.hyperparameters["dampening"] = .double(0.5)
        #expect(throws: OptimizerError.self) { try sgd.loadStateDict(nesterovWithDampening) }
        #expect(sgd.nesterov == false && sgd.dampening == 0)

        let error = OptimizerError.stateShapeMismatch(key: "0.exp_avg", expected: [3], got: [2])
        #expect(error.description.contains("'0.exp_avg'") && error.description.contains("[3]"))
    }

    // MARK: Learning-rate schedules

    @Test("StepLR is lr·γ^⌊e/s⌋", arguments: [0, 1, 2, 3, 5, 6, 11, 30])
    func stepSchedule(epoch: Int) {
        let value = StepLR(stepSize: 3, gamma: 0.5).learningRate(epoch: epoch, baseLearningRate: 0.2)
        #expect(isClose([value], [0.2 * pow(0.5, Double(epoch / 3))]))
    }

    @Test("ExponentialLR is lr·γ^e", arguments: [0, 1, 4, 10])
    func exponentialSchedule(epoch: Int) {
        let value = ExponentialLR(gamma: 0.9).learningRate(epoch: epoch, baseLearningRate: 0.1)
        #expect(isClose([value], [0.1 * pow(Double(Float(0.9)), Double(epoch))]))
    }

    @Test("CosineAnnealingLR is η_min + (η₀ − η_min)(1 + cos(πe/T))/2", arguments: [0, 1, 5, 9, 10, 15, 20])
    func cosineSchedule(epoch: Int) {
        let value = CosineAnnealingLR(maxEpochs: 10, minimumLearningRate: 0.001)
            .learningRate(epoch: epoch, baseLearningRate: 0.1)
        let minimum = Double(Float(0.001)), base = Double(Float(0.1))
        #expect(isClose([value], [minimum + (base - minimum) * (1 + cos(Double.pi * Double(epoch) / 10)) / 2]))
    }

    @Test("Cosine annealing hits its end points: the base rate at 0, the minimum at T, the base again at 2T")
    func cosineEndPoints() {
        let schedule = CosineAnnealingLR(maxEpochs: 4, minimumLearningRate: 0.01)
        #expect(schedule.learningRate(epoch: 0, baseLearningRate: 0.5) == 0.5)
        #expect(isClose([schedule.learningRate(epoch: 2, baseLearningRate: 0.5)], [0.255]))
        #expect(isClose([schedule.learningRate(epoch: 4, baseLearningRate: 0.5)], [0.01]))
        #expect(isClose([schedule.learningRate(epoch: 8, baseLearningRate: 0.5)], [0.5]))
    }

    @Test("The scheduler sets the optimizer's learning rate each epoch, and steps use it")
    func schedulerDrivesOptimizer() {
        let parameter = Parameter(Tensor([0]))
        let optimizer = SGD([parameter], learningRate: 0.4)
        let scheduler = LearningRateScheduler(optimizer, schedule: StepLR(stepSize: 2, gamma: 0.5))
        var rates: [Float] = []
        var moves: [Float] = []
        for _ in 0..<5 {
            rates.append(scheduler.learningRate)
            let before = parameter.value.scalars[0]
            parameter.zeroGrad()
            parameter.value.sum().backward()  // gradient 1: the parameter moves by −lr
            optimizer.step()
            moves.append(before - parameter.value.scalars[0])
            scheduler.step()
        }
        #expect(rates == [0.4, 0.4, 0.2, 0.2, 0.1])
        #expect(isClose(moves, rates.map(Double.init)))
        #expect(scheduler.epoch == 5 && scheduler.baseLearningRate == 0.4)
    }

    // MARK: API shape

    @Test("The documented usage compiles and trains")
    func documentedUsage() {
        let createOptimizer: OptimizerFactory = { model in AdamW(model.parameters) }
        let linear = Linear(10, 1)
        #expect(createOptimizer(linear).parameters.count == 2)

        let mlp = Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
        let optimizer = SGD(mlp.parameters, learningRate: 0.05, momentum: 0.9)
        let x = Tensor.randn([8, 64], seed: 3)
        func loss() -> Tensor { mlp(x).square().mean() }
        let initial = loss().item
        for _ in 0..<5 {
            optimizer.zeroGrad()
            loss().backward()
            optimizer.step()
        }
        #expect(loss().item < initial)
        let adamw = AdamW(linear.parameters, learningRate: 0.5, weightDecay: 0)
        #expect(adamw.learningRate == 0.5 && adamw.weightDecay == 0)
    }
}

// MARK: - Helpers

// 19 values: two full 8-value chunks of the update loops and a partial one.
private let start: [Float] = (0..<19).map { Float($0 - 9) / 4 }
private let target: [Float] = (0..<19).map { Float($0 * 7 % 5) / 5 - 0.4 }

/// Every optimizer type with non-default settings that give it per-parameter state.
private let allKinds: [@Sendable ([Parameter]) -> any Optimizer] = [
    { SGD($0, learningRate: 0.1, momentum: 0.9, weightDecay: 0.01) },
    { SGD($0, learningRate: 0.1, momentum: 0.9, nesterov: true) },
    { Adam($0, learningRate: 0.1, weightDecay: 0.1) },
    { AdamW($0, learningRate: 0.1, amsgrad: true) },
]

/// Sets `parameter`'s gradient to `parameter − target` through autograd: the gradient of ½‖p − t‖².
private func backwardQuadratic(_ parameter: Parameter, target: [Float] = target) {
    parameter.zeroGrad()
    let difference = parameter.value - Tensor(target)
    ((difference * difference).sum() * 0.5).backward()
}

/// The gradient of ½‖p − target‖² in Double.
private func quadraticGradient(_ values: [Double]) -> [Double] {
    zip(values, target).map { $0 - Double($1) }
}

/// Two steps of SGD from (1, −2) on ½‖p‖², the values after each.
private func sgdTrajectory(
    momentum: Float = 0, dampening: Float = 0, weightDecay: Float = 0, nesterov: Bool = false
) -> [[Float]] {
    let parameter = Parameter(Tensor([1, -2]))
    let optimizer = SGD(
        [parameter], learningRate: 0.1, momentum: momentum, dampening: dampening, weightDecay: weightDecay,
        nesterov: nesterov)
    return (0..<2).map { _ in
        backwardQuadratic(parameter, target: [0, 0])
        optimizer.step()
        return parameter.value.scalars
    }
}

/// Whether Float results agree with Double expectations to single-precision accuracy.
private func isClose(_ actual: [Float], _ expected: [Double], tolerance: Double = 2e-6) -> Bool {
    actual.count == expected.count
        && zip(actual, expected).allSatisfy { abs(Double($0) - $1) <= tolerance * max(1, abs($1)) }
}

private func isClose(_ actual: [[Float]], _ expected: [[Double]]) -> Bool {
    actual.count == expected.count && zip(actual, expected).allSatisfy { isClose($0, $1) }
}

struct SGDSettings: Sendable, CustomTestStringConvertible {
    var momentum: Float
    var dampening: Float
    var weightDecay: Float
    var nesterov: Bool

    var testDescription: String {
        "momentum \(momentum), dampening \(dampening), weight decay \(weightDecay), nesterov \(nesterov)"
    }
}

/// PyTorch's SGD as its documentation states it, in Double.
private struct ReferenceSGD {
    let learningRate: Double
    let momentum: Double
    let dampening: Double
    let weightDecay: Double
    let nesterov: Bool
    var buffer: [Double]?

    init(learningRate: Float, settings: SGDSettings) {
        self.learningRate = Double(learningRate)
        momentum = Double(settings.momentum)
        dampening = Double(settings.dampening)
        weightDecay = Double(settings.weightDecay)
        nesterov = settings.nesterov
    }

    mutating func step(_ values: inout [Double], gradient: [Double]) {
        var direction = zip(gradient, values).map { $0 + weightDecay * $1 }
        if momentum != 0 {
            let buffer =
                self.buffer.map { zip($0, direction).map { momentum * $0 + (1 - dampening) * $1 } } ?? direction
            self.buffer = buffer
            direction = nesterov ? zip(direction, buffer).map { $0 + momentum * $1 } : buffer
        }
        values = zip(values, direction).map { $0 - learningRate * $1 }
    }
}

private struct AdamSettings {
    var learningRate: Float
    var weightDecay: Float
    var decoupled: Bool
    var amsgrad: Bool

    func makeOptimizer(_ parameters: [Parameter]) -> any Optimizer {
        decoupled
            ? AdamW(parameters, learningRate: learningRate, weightDecay: weightDecay, amsgrad: amsgrad)
            : Adam(parameters, learningRate: learningRate, weightDecay: weightDecay, amsgrad: amsgrad)
    }
}

/// Adam in the textbook form of Kingma and Ba (bias-corrected moments), with PyTorch's two kinds
/// of weight decay, in Double. Betas and epsilon are PyTorch's defaults as the Float values the
/// optimizers hold.
private struct ReferenceAdam {
    let settings: AdamSettings
    let beta1 = Double(Float(0.9)), beta2 = Double(Float(0.999)), epsilon = Double(Float(1e-8))
    var step = 0
    var firstMoment: [Double]
    var secondMoment: [Double]
    var maximumSecondMoment: [Double]

    init(_ settings: AdamSettings, count: Int) {
        self.settings = settings
        firstMoment = Array(repeating: 0, count: count)
        secondMoment = firstMoment
        maximumSecondMoment = firstMoment
    }

    mutating func step(_ values: inout [Double], gradient: [Double]) {
        step += 1
        let learningRate = Double(settings.learningRate), weightDecay = Double(settings.weightDecay)
        for i in values.indices {
            var g = gradient[i]
            if settings.decoupled {
                values[i] *= 1 - learningRate * weightDecay
            } else {
                g += weightDecay * values[i]
            }
            firstMoment[i] = beta1 * firstMoment[i] + (1 - beta1) * g
            secondMoment[i] = beta2 * secondMoment[i] + (1 - beta2) * g * g
            maximumSecondMoment[i] = max(maximumSecondMoment[i], secondMoment[i])
            let corrected1 = firstMoment[i] / (1 - pow(beta1, Double(step)))
            let corrected2 =
                (settings.amsgrad ? maximumSecondMoment[i] : secondMoment[i]) / (1 - pow(beta2, Double(step)))
            values[i] -= learningRate * corrected1 / (corrected2.squareRoot() + epsilon)
        }
    }
}
