import SBTensor
import Testing

/// conv2d by its definition: one multiply-add per kernel tap, zero outside the input.
private func naiveConv2d(_ input: Tensor, _ weight: Tensor, _ bias: Tensor?, stride: Int, padding: Int) -> [Float] {
    let (batch, channels, height, width) = (input.shape[0], input.shape[1], input.shape[2], input.shape[3])
    let (outChannels, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
    let outputHeight = (height + 2 * padding - kernelHeight) / stride + 1
    let outputWidth = (width + 2 * padding - kernelWidth) / stride + 1
    let (x, w) = (input.scalars, weight.scalars)
    var output: [Float] = []
    for n in 0..<batch {
        for o in 0..<outChannels {
            for oy in 0..<outputHeight {
                for ox in 0..<outputWidth {
                    var sum = Double(bias?.scalars[o] ?? 0)
                    for c in 0..<channels {
                        for ky in 0..<kernelHeight {
                            for kx in 0..<kernelWidth {
                                let (y, xx) = (oy * stride + ky - padding, ox * stride + kx - padding)
                                guard (0..<height).contains(y), (0..<width).contains(xx) else { continue }
                                let value = x[((n * channels + c) * height + y) * width + xx]
                                sum +=
                                    Double(value)
                                    * Double(w[((o * channels + c) * kernelHeight + ky) * kernelWidth + kx])
                            }
                        }
                    }
                    output.append(Float(sum))
                }
            }
        }
    }
    return output
}

@Suite("Convolution and pooling")
struct ConvolutionTests {
    @Test("A 2×2 kernel of ones sums each window")
    func handComputed() throws {
        let input = try Tensor.arange(1, 10).reshaped([1, 1, 3, 3])
        let output = Tensor.conv2d(input, weight: Tensor.ones([1, 1, 2, 2]), bias: Tensor([0.5]))
        expectValues(output, [12.5, 16.5, 24.5, 28.5], shape: [1, 1, 2, 2])
    }

    @Test(
        "conv2d matches the naive loop",
        arguments: [
            // batch, in, out, height, width, kernel, stride, padding
            [1, 1, 1, 5, 5, 3, 1, 0], [2, 3, 4, 6, 5, 3, 1, 1], [2, 2, 3, 7, 6, 3, 2, 0], [1, 3, 2, 8, 8, 5, 2, 2],
            [3, 4, 5, 4, 4, 1, 1, 0], [1, 2, 2, 5, 7, 2, 3, 1],
        ])
    func matchesNaive(geometry: [Int]) throws {
        let input = sample(Array(geometry[0..<2]) + Array(geometry[3..<5]), seed: 1)
        let weight = sample([geometry[2], geometry[1], geometry[5], geometry[5]], seed: 2)
        let bias = sample([geometry[2]], seed: 3)
        let (stride, padding) = (geometry[6], geometry[7])
        let output = Tensor.conv2d(input, weight: weight, bias: bias, stride: stride, padding: padding)
        let side = { (size: Int) in (size + 2 * padding - geometry[5]) / stride + 1 }
        let shape = [geometry[0], geometry[2], side(geometry[3]), side(geometry[4])]
        expectValues(output, naiveConv2d(input, weight, bias, stride: stride, padding: padding), shape: shape)
        let unbiased = Tensor.conv2d(input, weight: weight, stride: stride, padding: padding)
        expectValues(unbiased, naiveConv2d(input, weight, nil, stride: stride, padding: padding), shape: shape)
    }

    @Test("maxPool2d takes each window's maximum and drops incomplete windows")
    func maxPool() throws {
        let grid = try Tensor.arange(16).reshaped([1, 1, 4, 4])
        expectValues(grid.maxPool2d(kernelSize: 2), [5, 7, 13, 15], shape: [1, 1, 2, 2])
        expectValues(grid.maxPool2d(kernelSize: 3, stride: 1), [10, 11, 14, 15], shape: [1, 1, 2, 2])
        let odd = try Tensor.arange(25).reshaped([1, 1, 5, 5])
        expectValues(odd.maxPool2d(kernelSize: 2), [6, 8, 16, 18], shape: [1, 1, 2, 2])
        let negative = try (Tensor.arange(8) * -1).reshaped([1, 2, 2, 2])
        expectValues(negative.maxPool2d(kernelSize: 2), [0, -4], shape: [1, 2, 1, 1])
    }

    @Test("maxPool2d routes each window's gradient to its maximum")
    func maxPoolGradient() throws {
        let input = try Tensor(shape: [1, 1, 2, 4], scalars: [1, 9, 3, 4, 5, 2, 8, 7]).requiringGrad()
        (input.maxPool2d(kernelSize: 2) * Tensor([10, 100])).sum().backward()
        #expect(input.grad?.scalars == [0, 10, 0, 0, 0, 0, 100, 0])
    }
}
