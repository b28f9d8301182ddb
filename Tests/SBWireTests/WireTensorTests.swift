import SBTensor
import SBWire
import Testing

@Suite("Tensors on the wire")
struct WireTensorTests {
    let weights = Tensor.randn([16, 8], seed: 5)

    @Test("float32 round-trips exactly, including NaN and infinities")
    func float32Exact() throws {
        let special = try Tensor(shape: [2, 2], scalars: [.nan, .infinity, -0.0, .leastNonzeroMagnitude])
        for tensor in [weights, special, Tensor(3.5), Tensor.zeros([0, 4])] {
            let wire = try WireTensor(name: "t", tensor: tensor, encoding: .float32)
            #expect(wire.data.count == 4 * tensor.count)
            let back = wire.tensor()
            #expect(back.shape == tensor.shape)
            #expect(back.scalars.map(\.bitPattern) == tensor.scalars.map(\.bitPattern))
        }
    }

    @Test("float16 keeps values within half an ulp of binary16")
    func float16Accuracy() throws {
        let wire = try WireTensor(name: "w", tensor: weights, encoding: .float16)
        #expect(wire.data.count == 2 * weights.count)
        for (original, restored) in zip(weights.scalars, wire.tensor().scalars) {
            // Relative error of round-to-nearest is at most 2⁻¹¹ for normal halves.
            #expect(abs(original - restored) <= abs(original) * 0x1p-11 + 0x1p-25)
        }
    }

    @Test("int8 keeps every value within one step, zero exactly, and saturates nothing in range")
    func int8Accuracy() throws {
        let values = weights.scalars + [0, -3, 7]
        let tensor = Tensor(values)
        let wire = try WireTensor(name: "w", tensor: tensor, encoding: .int8)
        guard case .int8(let quantization) = wire.element else {
            Issue.record("int8 encoding must carry its quantization")
            return
        }
        #expect(wire.data.count == tensor.count)
        #expect(abs(quantization.scale - 10 / 255) < 1e-6)
        let restored = wire.tensor().scalars
        for (original, value) in zip(values, restored) {
            #expect(abs(original - value) <= quantization.scale)
        }
        #expect(restored[values.count - 3] == 0)
    }

    @Test("int8 of a constant or all-zero tensor, and of values near Float's limits")
    func int8Extremes() throws {
        let zeros = try WireTensor(name: "z", tensor: Tensor.zeros([4]), encoding: .int8)
        #expect(zeros.tensor().scalars == [0, 0, 0, 0])
        let constant = try WireTensor(name: "c", tensor: Tensor([-2, -2]), encoding: .int8)
        #expect(constant.tensor().scalars.allSatisfy { abs($0 + 2) < 0.01 })
        let extremes = Tensor([-.greatestFiniteMagnitude, .greatestFiniteMagnitude])
        let huge = try WireTensor(name: "h", tensor: extremes, encoding: .int8)
        #expect(huge.tensor().scalars.allSatisfy { $0.isFinite })
    }

    @Test("int8 refuses NaN and infinity with an error naming the tensor")
    func int8NonFinite() {
        #expect(throws: WireError.nonFiniteValue(tensor: "bad")) {
            try WireTensor(name: "bad", tensor: Tensor([1, .nan]), encoding: .int8)
        }
        #expect(throws: WireError.nonFiniteValue(tensor: "bad")) {
            try WireTensor(name: "bad", tensor: Tensor([.infinity]), encoding: .int8)
        }
    }

    @Test("A state dictionary round-trips in every encoding, sorted by name", arguments: TensorEncoding.allCases)
    func stateDictionary(encoding: TensorEncoding) throws {
        let state = Fixtures.state(seed: 8)
        let wire = try WireTensor.encode(state, as: encoding)
        #expect(wire.map(\.name) == ["0.bias", "0.weight"])
        let decoded = try WireTensor.decode(wire)
        #expect(Set(decoded.keys) == Set(state.keys))
        for (name, tensor) in state {
            #expect(decoded[name]?.shape == tensor.shape)
        }
        if encoding == .float32 {
            #expect(decoded == state)
        }
    }

    @Test("Invalid tensors are refused when built")
    func validation() throws {
        #expect(throws: WireError.self) { try WireTensor(name: "", shape: [1], element: .float32, data: [0, 0, 0, 0]) }
        #expect(throws: WireError.self) {
            try WireTensor(name: "t", shape: [2], element: .float32, data: [0, 0, 0, 0])
        }
        #expect(throws: WireError.self) { try WireTensor(name: "t", shape: [-1], element: .float32, data: []) }
        #expect(throws: WireError.self) {
            try WireTensor(name: "t", shape: Array(repeating: 1, count: 9), element: .float32, data: [0, 0, 0, 0])
        }
        #expect(throws: WireError.self) { try WireTensor(name: "t", shape: [Int.max, 4], element: .float32, data: []) }
        #expect(throws: WireError.self) { try AffineQuantization(scale: 0, zeroPoint: 0) }
        #expect(throws: WireError.self) { try AffineQuantization(scale: .nan, zeroPoint: 0) }
        let tensor = try WireTensor(name: "same", tensor: Tensor([1]), encoding: .float32)
        #expect(throws: WireError.duplicateTensorName("same")) { try WireTensor.decode([tensor, tensor]) }
        #expect(throws: WireError.duplicateTensorName("same")) {
            try UpdatePush(namespace: "n", baseVersion: 0, sampleCount: 1, tensors: [tensor, tensor])
        }
    }

    @Test("A decoded int8 tensor with a zero scale is rejected")
    func zeroScaleOnTheWire() throws {
        let tensor = try WireTensor(name: "q", tensor: Tensor([1, 2]), encoding: .int8)
        var payload = Message.updatePush(
            try UpdatePush(namespace: "n", baseVersion: 0, sampleCount: 1, tensors: [tensor])
        )
        .encodedPayload()
        // The scale follows namespace (3), versions (16), count (4), name (3), dtype, rank (2) and one dimension (4).
        let scale = 3 + 16 + 4 + 3 + 2 + 4
        payload.replaceSubrange(scale..<scale + 4, with: [0, 0, 0, 0])
        #expect(throws: WireError.invalidValue(field: "int8 scale", reason: "must be finite and positive, got 0.0")) {
            try Message(type: .updatePush, payload: payload)
        }
    }
}
