import SBTensor
import Testing

@Suite("Reductions")
struct ReductionTests {
    let matrix: Tensor

    init() throws {
        matrix = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
    }

    @Test("Sums over everything, one axis, several axes")
    func sums() throws {
        expectValues(matrix.sum(), [21], shape: [])
        expectValues(matrix.sum(axis: 0), [5, 7, 9], shape: [3])
        expectValues(matrix.sum(axis: 1), [6, 15], shape: [2])
        expectValues(matrix.sum(axis: -1, keepDims: true), [6, 15], shape: [2, 1])
        expectValues(matrix.sum(axes: [0, 1]), [21], shape: [])
        let cube = try Tensor.arange(24).reshaped([2, 3, 4])
        expectValues(cube.sum(axes: [0, 2]), [60, 92, 124], shape: [3])
        expectValues(cube.sum(axes: [2, 0], keepDims: true), [60, 92, 124], shape: [1, 3, 1])
    }

    @Test("Means")
    func means() {
        expectValues(matrix.mean(), [3.5], shape: [])
        expectValues(matrix.mean(axis: 1), [2, 5], shape: [2])
        expectValues(matrix.mean(axis: 0, keepDims: true), [2.5, 3.5, 4.5], shape: [1, 3])
        expectValues(matrix.mean(axes: [0, 1]), [3.5], shape: [])
    }

    @Test("The sum of many values stays accurate")
    func longSum() {
        let total = Tensor.full([1_000_000], 0.1).sum().item
        #expect(Swift.abs(total - 100_000) < 1)
    }

    @Test("Maximum values")
    func maxima() throws {
        let x = try Tensor(rows: [[1, 7, 3], [9, 5, 6]])
        expectValues(x.max(axis: 0), [9, 7, 6], shape: [3])
        expectValues(x.max(axis: 1), [7, 9], shape: [2])
        expectValues(x.max(axis: -1, keepDims: true), [7, 9], shape: [2, 1])
        expectValues(x.max(), [9], shape: [])
        expectValues(Tensor([-5, -3, -4]).max(), [-3], shape: [])
    }

    @Test("argmax picks the first of tied maxima")
    func argmax() throws {
        let x = try Tensor(rows: [[1, 3, 3], [2, 2, 0], [-1, -2, -0.5]])
        #expect(x.argmax(axis: 1).scalars == [1, 0, 2])
        #expect(x.argmax(axis: 0).scalars == [1, 0, 0])
        #expect(x.argmax(axis: 1).shape == [3])
    }

    @Test("The gradient of a max flows to the first maximum only")
    func maxGradientTies() {
        let x = Tensor([1, 3, 3]).requiringGrad()
        x.max(axis: 0).backward()
        #expect(x.grad?.scalars == [0, 1, 0])
    }
}
