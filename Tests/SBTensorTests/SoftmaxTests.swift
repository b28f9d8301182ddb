import SBTensor
import Testing

@Suite("Softmax and the fused losses")
struct SoftmaxTests {
    @Test("softmax normalises each slice and matches the definition")
    func softmax() throws {
        let logits = try Tensor(rows: [[1, 2, 3], [0, 0, 0]])
        // eⁱ / (e + e² + e³) for i = 1, 2, 3; equal logits share evenly.
        expectValues(logits.softmax(), [0.09003057, 0.24472847, 0.66524096, 1 / 3, 1 / 3, 1 / 3], shape: [2, 3])
        expectValues(logits.softmax(axis: 0).sum(axis: 0), [1, 1, 1], shape: [3])
        expectValues(
            logits.softmax(axis: 0), [0.7310586, 0.880797, 0.95257413, 0.26894143, 0.11920292, 0.04742587],
            shape: [2, 3])
    }

    @Test("Large logits neither overflow nor underflow")
    func stability() {
        let logits = Tensor([1000, 1000, -1000])
        expectValues(logits.softmax(), [0.5, 0.5, 0], shape: [3])
        expectValues(logits.logSoftmax(), [-0.6931472, -0.6931472, -2000.6931], shape: [3])
    }

    @Test("logSoftmax is the logarithm of softmax")
    func logSoftmax() throws {
        let logits = sample([2, 3, 4], seed: 7) * 5
        for axis in [0, 1, -1] {
            expectValues(logits.logSoftmax(axis: axis), logits.softmax(axis: axis).log().scalars, shape: [2, 3, 4])
        }
    }

    @Test("crossEntropy is the mean negative log-probability of the target classes")
    func crossEntropy() throws {
        let logits = try Tensor(rows: [[2, 1, 0], [0, 0, 0]])
        let loss = Tensor.crossEntropy(logits: logits, targets: Tensor([0, 2]))
        // Rows: −2 + log(e² + e + 1) = 0.40760596 and log 3 = 1.0986123.
        expectValues(loss, [0.75310913], shape: [])
        let column = try Tensor(shape: [2, 1], scalars: [0, 2])
        #expect(Tensor.crossEntropy(logits: logits, targets: column) == loss)
    }

    @Test("binaryCrossEntropy matches the definition, also for large logits")
    func binaryCrossEntropy() throws {
        let logits = Tensor([0, 2, -1, 100])
        let loss = Tensor.binaryCrossEntropy(logits: logits, targets: Tensor([1, 0, 0, 0]))
        // (−log σ(0) − log(1 − σ(2)) − log(1 − σ(−1)) + 100) / 4, the last without overflow.
        expectValues(loss, [25.783334], shape: [])
    }
}
