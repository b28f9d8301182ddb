import SBLearning
import SBTensor
import Testing

@Suite("Losses")
struct LossTests {
    @Test("mseLoss is the mean squared difference")
    func mse() throws {
        let loss = mseLoss(Tensor([1, 2, 3]), Tensor([1, 1, 1]))
        #expect(loss.shape == [])
        #expect(Swift.abs(loss.item - 5.0 / 3) < 1e-6)
        let prediction = try Tensor(rows: [[1, 2], [3, 4]])
        #expect(mseLoss(prediction, prediction).item == 0)
    }

    @Test("mseLoss compares a [n, 1] prediction with a [n] target row by row, either way round")
    func mseColumnVector() throws {
        let column = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let flat = Tensor([1, 2, 4])
        // Row by row: (0 + 0 + 1) / 3. Broadcasting to [3, 3] would give 21 / 9.
        #expect(Swift.abs(mseLoss(column, flat).item - 1.0 / 3) < 1e-6)
        #expect(Swift.abs(mseLoss(flat, column).item - 1.0 / 3) < 1e-6)
    }

    @Test("crossEntropyLoss is the mean negative log-probability of the target classes")
    func crossEntropy() throws {
        let logits = try Tensor(rows: [[2, 1, 0], [0, 0, 0]])
        // Rows: −2 + log(e² + e + 1) = 0.40760596 and log 3 = 1.0986123.
        #expect(Swift.abs(crossEntropyLoss(logits, Tensor([0, 2])).item - 0.75310913) < 1e-6)
    }

    @Test("binaryCrossEntropyWithLogitsLoss matches the definition and accepts a [n] target for [n, 1] logits")
    func binaryCrossEntropy() throws {
        let logits = try Tensor(shape: [4, 1], scalars: [0, 2, -1, 100])
        let targets = Tensor([1, 0, 0, 0])
        // (−log σ(0) − log(1 − σ(2)) − log(1 − σ(−1)) + 100) / 4.
        #expect(Swift.abs(binaryCrossEntropyWithLogitsLoss(logits, targets).item - 25.783334) < 1e-4)
        let flatLogits = try logits.reshaped([4])
        #expect(
            binaryCrossEntropyWithLogitsLoss(flatLogits, targets) == binaryCrossEntropyWithLogitsLoss(logits, targets))
    }

    @Test("Losses can be passed around as LossFunction values")
    func lossFunctions() async throws {
        let losses: [String: LossFunction] = [
            "mse": mseLoss, "crossEntropy": crossEntropyLoss, "binary": binaryCrossEntropyWithLogitsLoss,
        ]
        let logits = try Tensor(rows: [[0, 0], [0, 0]])
        let targets = Tensor([0, 1])
        let values = await withTaskGroup(of: (String, Float).self) { group in
            for (name, loss) in losses {
                group.addTask {
                    let target = name == "crossEntropy" ? targets : Tensor.zeros([2, 2])
                    return (name, loss(logits, target).item)
                }
            }
            return await group.reduce(into: [String: Float]()) { $0[$1.0] = $1.1 }
        }
        #expect(values["mse"] == 0)
        #expect(Swift.abs(values["crossEntropy"]! - 0.6931472) < 1e-6)
        #expect(Swift.abs(values["binary"]! - 0.6931472) < 1e-6)
    }

    @Test("Mismatched shapes stop the program with a message naming both")
    func shapeMismatch() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = mseLoss(Tensor.zeros([2, 3]), Tensor.zeros([3, 2]))
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("mseLoss") && message.contains("[2, 3]") && message.contains("[3, 2]"), "\(message)")
    }
}

@Suite("Losses: autograd matches finite differences")
struct LossGradientTests {
    @Test(
        "mseLoss with respect to prediction and target",
        arguments: [([4, 2], [4, 2]), ([5, 1], [5]), ([5], [5, 1])])
    func mse(shapes: ([Int], [Int])) {
        GradientCheck.expectGradientsMatch([CheckInputs.any(shapes.0), CheckInputs.any(shapes.1, seed: 2)]) {
            mseLoss($0[0], $0[1])
        }
    }

    @Test("crossEntropyLoss with respect to the logits")
    func crossEntropy() {
        GradientCheck.expectGradientsMatch([CheckInputs.any([5, 4]) * 3]) {
            crossEntropyLoss($0[0], Tensor([3, 0, 1, 1, 2]))
        }
    }

    @Test("binaryCrossEntropyWithLogitsLoss with respect to the logits, also for [n, 1] against [n]")
    func binaryCrossEntropy() {
        let targets = Tensor([1, 0, 0, 1, 1])
        GradientCheck.expectGradientsMatch([CheckInputs.any([5, 1]) * 3]) {
            binaryCrossEntropyWithLogitsLoss($0[0], targets)
        }
    }
}
