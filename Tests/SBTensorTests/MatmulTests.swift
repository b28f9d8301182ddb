import SBTensor
import Testing

/// The matrix product of row-major `a` [m, k] and `b` [k, n], accumulated in Double.
private func naiveProduct(_ a: [Float], _ b: [Float], m: Int, k: Int, n: Int) -> [Float] {
    var c = [Float](repeating: 0, count: m * n)
    for i in 0..<m {
        for j in 0..<n {
            var sum: Double = 0
            for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
            c[i * n + j] = Float(sum)
        }
    }
    return c
}

@Suite("Matrix products and linear")
struct MatmulTests {
    @Test("A small product by hand")
    func handComputed() throws {
        let a = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        let b = try Tensor(rows: [[7, 8], [9, 10], [11, 12]])
        expectValues(a.matmul(b), [58, 64, 139, 154], shape: [2, 2])
    }

    @Test("2-D products match the naive loop", arguments: [(1, 1, 1), (5, 7, 3), (33, 65, 17), (64, 64, 10)])
    func matchesNaive(m: Int, k: Int, n: Int) {
        let a = sample([m, k], seed: 1)
        let b = sample([k, n], seed: 2)
        expectValues(a.matmul(b), naiveProduct(a.scalars, b.scalars, m: m, k: k, n: n), shape: [m, n], tolerance: 1e-4)
    }

    @Test("Batched products multiply matrix by matrix, broadcasting the batch dimensions")
    func batched() throws {
        let a = sample([2, 3, 4], seed: 1)
        let b = sample([2, 4, 5], seed: 2)
        let shared = sample([4, 5], seed: 3)
        var expected: [Float] = []
        var expectedShared: [Float] = []
        for batch in 0..<2 {
            let left = Array(a.scalars[(batch * 12)..<(batch * 12 + 12)])
            expected += naiveProduct(left, Array(b.scalars[(batch * 20)..<(batch * 20 + 20)]), m: 3, k: 4, n: 5)
            expectedShared += naiveProduct(left, shared.scalars, m: 3, k: 4, n: 5)
        }
        expectValues(a.matmul(b), expected, shape: [2, 3, 5], tolerance: 1e-5)
        expectValues(a.matmul(shared), expectedShared, shape: [2, 3, 5], tolerance: 1e-5)
        let broadcast = try a.reshaped([2, 1, 3, 4]).matmul(b)
        #expect(broadcast.shape == [2, 2, 3, 5])
        let firstWithSecond = naiveProduct(Array(a.scalars[0..<12]), Array(b.scalars[20..<40]), m: 3, k: 4, n: 5)
        expectValues(broadcast.slice(axis: 1, 1..<2).slice(axis: 0, 0..<1), firstWithSecond, shape: [1, 1, 3, 5])
    }

    @Test("linear computes x · Wᵀ + b over any leading dimensions")
    func linear() {
        let x = sample([2, 3, 4], seed: 1)
        let weight = sample([5, 4], seed: 2)
        let bias = sample([5], seed: 3)
        let product = naiveProduct(x.scalars, weight.transposed().scalars, m: 6, k: 4, n: 5)
        let expected = product.enumerated().map { $0.element + bias.scalars[$0.offset % 5] }
        expectValues(Tensor.linear(x, weight: weight, bias: bias), expected, shape: [2, 3, 5])
        expectValues(Tensor.linear(x, weight: weight), product, shape: [2, 3, 5])
        expectValues(Tensor.linear(x.flattened()[0..<4], weight: weight), Array(product[0..<5]), shape: [5])
    }

    @Test("An empty batch gives an empty result and zero weight gradients")
    func emptyBatch() {
        let weight = sample([3, 4], seed: 2).requiringGrad()
        let output = Tensor.linear(Tensor.zeros([0, 4]), weight: weight)
        #expect(output.shape == [0, 3])
        output.sum().backward()
        #expect(weight.grad?.scalars == [Float](repeating: 0, count: 12))
    }
}
