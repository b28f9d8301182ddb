import SBTensor
import Testing

@Suite("Creating tensors")
struct TensorCreationTests {
    @Test("Values and shape are kept, row-major")
    func shapeAndScalars() throws {
        let tensor = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(tensor.shape == [2, 3])
        #expect(tensor.rank == 2)
        #expect(tensor.count == 6)
        #expect(tensor.scalars == [1, 2, 3, 4, 5, 6])
        #expect(try Tensor(rows: [[1, 2, 3], [4, 5, 6]]) == tensor)
        #expect(Tensor([1, 2]).shape == [2])
    }

    @Test("A scalar has rank 0 and one item")
    func scalar() {
        let scalar = Tensor(2.5)
        #expect(scalar.shape == [])
        #expect(scalar.rank == 0)
        #expect(scalar.item == 2.5)
    }

    @Test("A value count that does not fill the shape throws countMismatch")
    func countMismatch() {
        #expect(throws: TensorError.countMismatch(shape: [2, 3], count: 5)) {
            try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5])
        }
        #expect(throws: TensorError.countMismatch(shape: [], count: 0)) { try Tensor(shape: [], scalars: []) }
    }

    @Test("A negative dimension throws invalidShape")
    func negativeDimension() {
        #expect(throws: TensorError.invalidShape([2, -3])) { try Tensor(shape: [2, -3], scalars: []) }
    }

    @Test("Ragged rows throw raggedRows naming the first bad row")
    func raggedRows() {
        #expect(throws: TensorError.raggedRows(row: 2, count: 1, expected: 2)) {
            try Tensor(rows: [[1, 2], [3, 4], [5], [6, 7, 8]])
        }
    }

    @Test("Error messages name the shapes and counts")
    func errorMessages() {
        let message = TensorError.countMismatch(shape: [2, 3], count: 5).description
        #expect(message.contains("[2, 3]") && message.contains("6") && message.contains("5"))
        #expect(TensorError.raggedRows(row: 2, count: 1, expected: 2).description.contains("row 2"))
        let inferred = TensorError.countMismatch(shape: [-1, 4], count: 6).description
        #expect(inferred == "shape [-1, 4] cannot hold 6 values: 6 is not a multiple of 4")
    }

    @Test("full, zeros, ones and arange")
    func filledTensors() {
        #expect(Tensor.full([2, 2], 7).scalars == [7, 7, 7, 7])
        #expect(Tensor.zeros([3]).scalars == [0, 0, 0])
        #expect(Tensor.ones([1, 2]).shape == [1, 2])
        #expect(Tensor.zeros(like: Tensor.ones([2, 5])).shape == [2, 5])
        #expect(Tensor.arange(5).scalars == [0, 1, 2, 3, 4])
        #expect(Tensor.arange(1, 2, step: 0.25).scalars == [1, 1.25, 1.5, 1.75])
        #expect(Tensor.arange(5, 0, step: -2).scalars == [5, 3, 1])
        #expect(Tensor.arange(3, 1).count == 0)
    }

    @Test("Seeded random tensors are reproducible and distributed as asked")
    func seededRandom() {
        let uniform = Tensor.uniform([10_000], low: -2, high: 3, seed: 4)
        #expect(uniform == Tensor.uniform([10_000], low: -2, high: 3, seed: 4))
        #expect(uniform != Tensor.uniform([10_000], low: -2, high: 3, seed: 5))
        #expect(uniform.scalars.allSatisfy { $0 >= -2 && $0 < 3 })
        #expect(Swift.abs(uniform.mean().item - 0.5) < 0.05)

        let normal = Tensor.randn([10_000], mean: 1, std: 2, seed: 4)
        #expect(normal == Tensor.randn([10_000], mean: 1, std: 2, seed: 4))
        let mean = normal.mean().item
        let std = (normal - mean).square().mean().sqrt().item
        #expect(Swift.abs(mean - 1) < 0.06)
        #expect(Swift.abs(std - 2) < 0.06)
    }

    @Test("assign replaces values of the same shape and rejects others")
    func assign() throws {
        var tensor = Tensor.zeros([2, 2])
        try tensor.assign(Tensor.ones([2, 2]))
        #expect(tensor.scalars == [1, 1, 1, 1])
        #expect(throws: TensorError.shapeMismatch(operation: "assign", [2, 2], [4])) {
            try tensor.assign(Tensor.ones([4]))
        }
    }

    @Test("The description shows the shape and the first values")
    func description() {
        let text = Tensor.arange(20).description
        #expect(text.hasPrefix("Tensor(shape: [20], [0.0, 1.0"))
        #expect(text.contains("20 values"))
    }
}
