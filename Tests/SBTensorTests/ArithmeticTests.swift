import SBTensor
import Testing

@Suite("Arithmetic, broadcasting and comparisons")
struct ArithmeticTests {
    let matrix: Tensor

    init() throws {
        matrix = try Tensor(rows: [[1, 2, 3], [4, 5, 6]])
    }

    @Test("Equal shapes combine elementwise")
    func sameShape() {
        expectValues(matrix + matrix, [2, 4, 6, 8, 10, 12], shape: [2, 3])
        expectValues(matrix - matrix * 2, [-1, -2, -3, -4, -5, -6], shape: [2, 3])
        expectValues(matrix / matrix, [1, 1, 1, 1, 1, 1], shape: [2, 3])
    }

    @Test("A trailing vector is added to every row")
    func rowBroadcast() {
        expectValues(matrix + Tensor([10, 20, 30]), [11, 22, 33, 14, 25, 36], shape: [2, 3])
        expectValues(Tensor([10, 20, 30]) - matrix, [9, 18, 27, 6, 15, 24], shape: [2, 3])
    }

    @Test("A column times a row is the outer product")
    func outerProduct() throws {
        let column = try Tensor(shape: [3, 1], scalars: [1, 2, 3])
        let row = try Tensor(shape: [1, 2], scalars: [10, 100])
        expectValues(column * row, [10, 100, 20, 200, 30, 300], shape: [3, 2])
        expectValues(row * column, [10, 100, 20, 200, 30, 300], shape: [3, 2])
    }

    @Test("Ranks are aligned from the right")
    func rankAlignment() throws {
        let cube = try Tensor(shape: [2, 1, 3], scalars: [1, 2, 3, 4, 5, 6])
        let column = try Tensor(shape: [2, 1], scalars: [10, 20])
        expectValues(
            cube + column, [11, 12, 13, 21, 22, 23, 14, 15, 16, 24, 25, 26], shape: [2, 2, 3])
    }

    @Test("Scalar tensors broadcast on either side, and keep the larger rank")
    func scalarTensors() throws {
        expectValues(matrix * Tensor(2), [2, 4, 6, 8, 10, 12], shape: [2, 3])
        expectValues(Tensor(12) / matrix, [12, 6, 4, 3, 2.4, 2], shape: [2, 3])
        let one = try Tensor(shape: [1, 1, 1], scalars: [1])
        expectValues(Tensor([1, 2]) + one, [2, 3], shape: [1, 1, 2])
    }

    @Test("Incompatible shapes stop the program with a message naming both, also in optimised builds")
    func incompatibleShapes() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([2, 3]) + Tensor.zeros([3, 2])
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("+: shapes [2, 3] and [3, 2] are not compatible"), "\(message)")
    }

    @Test("Arithmetic with Float operands")
    func floatOperands() {
        let x = Tensor([1, 2, 4])
        expectValues(x + 1, [2, 3, 5], shape: [3])
        expectValues(x - 1, [0, 1, 3], shape: [3])
        expectValues(x * 3, [3, 6, 12], shape: [3])
        expectValues(x / 2, [0.5, 1, 2], shape: [3])
        expectValues(1 + x, [2, 3, 5], shape: [3])
        expectValues(1 - x, [0, -1, -3], shape: [3])
        expectValues(3 * x, [3, 6, 12], shape: [3])
        expectValues(4 / x, [4, 2, 1], shape: [3])
        expectValues(-x, [-1, -2, -4], shape: [3])
        var y = x
        y += 1
        y *= 2
        y -= x
        y /= 2
        expectValues(y, [1.5, 2, 3], shape: [3])
    }

    @Test("Comparisons give 1 where the relation holds and broadcast")
    func comparisons() {
        let x = Tensor([1, 2, 3])
        let y = Tensor([3, 2, 1])
        #expect((x .== y).scalars == [0, 1, 0])
        #expect((x .!= y).scalars == [1, 0, 1])
        #expect((x .< y).scalars == [1, 0, 0])
        #expect((x .<= y).scalars == [1, 1, 0])
        #expect((x .> y).scalars == [0, 0, 1])
        #expect((x .>= y).scalars == [0, 1, 1])
        #expect((x .== 2).scalars == [0, 1, 0])
        #expect((x .> 1).scalars == [0, 1, 1])
        #expect((x .< 3).scalars == [1, 1, 0])
        expectValues(matrix .> Tensor([2, 2, 7]), [0, 0, 0, 1, 1, 0], shape: [2, 3])
    }

    @Test("Comparisons carry no gradient")
    func comparisonsAreConstant() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        #expect(!(x .> 1).requiresGrad)
    }

    @Test("Elementwise functions")
    func elementwiseFunctions() {
        let x = Tensor([-2, -0.5, 0, 1.5])
        expectValues(x.exp(), [0.13533528, 0.60653066, 1, 4.481689], shape: [4])
        expectValues(Tensor([1, 4, 0.25]).log(), [0, 1.3862944, -1.3862944], shape: [3])
        expectValues(Tensor([4, 9, 0.25]).sqrt(), [2, 3, 0.5], shape: [3])
        expectValues(Tensor([4, 9]).pow(1.5), [8, 27], shape: [2])
        expectValues(x.square(), [4, 0.25, 0, 2.25], shape: [4])
        expectValues(x.abs(), [2, 0.5, 0, 1.5], shape: [4])
        expectValues(x.clamped(min: -1, max: 1), [-1, -0.5, 0, 1], shape: [4])
        expectValues(x.clamped(max: 0), [-2, -0.5, 0, 0], shape: [4])
        expectValues(x.relu(), [0, 0, 0, 1.5], shape: [4])
        expectValues(x.sigmoid(), [0.11920292, 0.37754067, 0.5, 0.81757448], shape: [4])
        expectValues(x.tanh(), [-0.96402758, -0.46211716, 0, 0.90514825], shape: [4])
    }

    @Test("sigmoid saturates without overflow for large inputs")
    func sigmoidExtremes() {
        let values = Tensor([-1000, -100, 100, 1000]).sigmoid().scalars
        #expect(values[0] == 0)
        #expect(values[1] > 0 && values[1] < 1e-30)
        #expect(values[2] == 1 && values[3] == 1)
    }

    @Test("sumToShape undoes broadcasting by summing")
    func sumToShape() throws {
        let values = Tensor.arange(24)
        let cube = try values.reshaped([2, 3, 4])
        expectValues(cube.sumToShape([3, 1]), [60, 92, 124], shape: [3, 1])
        expectValues(cube.sumToShape([4]), [60, 66, 72, 78], shape: [4])
        expectValues(cube.sumToShape([]), [276], shape: [])
    }
}
