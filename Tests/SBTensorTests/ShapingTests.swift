import SBTensor
import Testing

@Suite("Reshaping, permuting, indexing and concatenating")
struct ShapingTests {
    let values = Tensor.arange(6)

    @Test("reshaped keeps the values and infers one -1 dimension")
    func reshaped() throws {
        expectValues(try values.reshaped([2, 3]), [0, 1, 2, 3, 4, 5], shape: [2, 3])
        #expect(try values.reshaped([-1, 2]).shape == [3, 2])
        #expect(try values.reshaped([3, 1, -1]).shape == [3, 1, 2])
        #expect(try Tensor(7).reshaped([1, 1]).shape == [1, 1])
    }

    @Test(
        "reshaped rejects shapes that cannot hold the values",
        arguments: [
            ([4, 2], TensorError.countMismatch(shape: [4, 2], count: 6)),
            ([-1, 4], TensorError.countMismatch(shape: [-1, 4], count: 6)),
            ([-1, -1], TensorError.invalidShape([-1, -1])),
            ([-2, -3], TensorError.invalidShape([-2, -3])),
            ([0, -1], TensorError.countMismatch(shape: [0, -1], count: 6)),
        ])
    func reshapedErrors(shape: [Int], error: TensorError) {
        #expect(throws: error) { try values.reshaped(shape) }
    }

    @Test("flattened collapses the dimensions from startAxis on")
    func flattened() throws {
        let cube = try Tensor.arange(24).reshaped([2, 3, 4])
        #expect(cube.flattened().shape == [24])
        #expect(cube.flattened(startAxis: 1).shape == [2, 12])
        #expect(cube.flattened(startAxis: -1).shape == [2, 3, 4])
        #expect(cube.flattened(startAxis: 1).scalars == cube.scalars)
        #expect(Tensor(3).flattened().shape == [1])
    }

    @Test("transposed and permuted move values to their new positions")
    func permutations() throws {
        let matrix = try values.reshaped([2, 3])
        expectValues(matrix.transposed(), [0, 3, 1, 4, 2, 5], shape: [3, 2])
        let cube = try Tensor.arange(24).reshaped([2, 3, 4])
        let permuted = cube.permuted([2, 0, 1])
        #expect(permuted.shape == [4, 2, 3])
        let positions: [(i: Int, j: Int, k: Int)] = [(0, 0, 0), (3, 1, 2), (1, 0, 2), (2, 1, 0)]
        for (i, j, k) in positions {
            let moved: Float = permuted.scalars[(i * 2 + j) * 3 + k]
            let source: Float = cube.scalars[(j * 3 + k) * 4 + i]
            #expect(moved == source, "permuted[\(i), \(j), \(k)] must be cube[\(j), \(k), \(i)]")
        }
        #expect(cube.transposed(0, 2).permuted([2, 1, 0]) == cube)
        #expect(cube.permuted([0, 1, 2]) == cube)
    }

    @Test("gatherRows picks rows in order, repeats allowed")
    func gatherRows() throws {
        let matrix = try values.reshaped([3, 2])
        expectValues(matrix.gatherRows([2, 0, 2]), [4, 5, 0, 1, 4, 5], shape: [3, 2])
        #expect(matrix.gatherRows([]).shape == [0, 2])
        expectValues(Tensor([5, 6, 7]).gatherRows([1]), [6], shape: [1])
    }

    @Test("slice and subscript copy a range along an axis")
    func slices() throws {
        let matrix = try Tensor.arange(12).reshaped([3, 4])
        expectValues(matrix.slice(axis: 1, 1..<3), [1, 2, 5, 6, 9, 10], shape: [3, 2])
        expectValues(matrix.slice(axis: -1, 3..<4), [3, 7, 11], shape: [3, 1])
        expectValues(matrix[1..<3], [4, 5, 6, 7, 8, 9, 10, 11], shape: [2, 4])
        #expect(matrix[2..<2].shape == [0, 4])
    }

    @Test("concatenate joins along an axis")
    func concatenate() throws {
        let a = try values.reshaped([2, 3])
        let b = try Tensor([10, 11, 12]).reshaped([1, 3])
        expectValues(Tensor.concatenate([a, b]), [0, 1, 2, 3, 4, 5, 10, 11, 12], shape: [3, 3])
        let c = try Tensor([20, 21]).reshaped([2, 1])
        expectValues(Tensor.concatenate([a, c], axis: 1), [0, 1, 2, 20, 3, 4, 5, 21], shape: [2, 4])
        expectValues(Tensor.concatenate([c, a], axis: -1), [20, 0, 1, 2, 21, 3, 4, 5], shape: [2, 4])
    }
}
