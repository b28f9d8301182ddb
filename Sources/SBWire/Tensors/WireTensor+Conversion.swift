import SBTensor

extension WireTensor {
    /// Encodes a tensor's values.
    ///
    /// - Throws: ``WireError`` if the name or shape break the limits in ``init(name:shape:element:data:)``,
    ///   or ``WireError/nonFiniteValue(tensor:)`` for int8 encoding of a tensor holding NaN or infinity.
    public init(name: String, tensor: Tensor, encoding: TensorEncoding) throws(WireError) {
        let scalars = tensor.scalars
        switch encoding {
        case .float32:
            // On little-endian hosts the wire bytes are the memory bytes: one copy, no conversion.
            let data =
                UInt32(1).littleEndian == 1
                ? scalars.withUnsafeBytes { [UInt8]($0) } : Self.pack(scalars, width: 4) { $0.bitPattern }
            try self.init(name: name, shape: tensor.shape, element: .float32, data: data)
        case .float16:
            let data = Self.pack(scalars, width: 2) { HalfPrecision.bits($0) }
            try self.init(name: name, shape: tensor.shape, element: .float16, data: data)
        case .int8:
            let quantization = try AffineQuantization(fitting: scalars, tensor: name)
            let data = Self.pack(scalars, width: 1) { UInt8(bitPattern: quantization.quantize($0)) }
            try self.init(name: name, shape: tensor.shape, element: .int8(quantization), data: data)
        }
    }

    /// The values as a ``Tensor`` (float16 widened exactly, int8 dequantized).
    public func tensor() -> Tensor {
        let scalars: [Float] =
            switch element {
            case .float32 where UInt32(1).littleEndian == 1:
                bytes.withUnsafeBytes { raw in
                    [Float](unsafeUninitializedCapacity: raw.count / 4) { buffer, initialized in
                        UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw)
                        initialized = raw.count / 4
                    }
                }
            case .float32: unpack(UInt32.self) { Float(bitPattern: $0) }
            case .float16: unpack(UInt16.self) { HalfPrecision.float(bits: $0) }
            case .int8(let quantization): unpack(UInt8.self) { quantization.dequantize(Int8(bitPattern: $0)) }
            }
        // The initialiser checked that the data holds exactly one value per element of the shape.
        return try! Tensor(shape: shape, scalars: scalars)
    }

    /// Encodes a state dictionary, sorted by name so that equal states encode to equal bytes.
    public static func encode(_ state: [String: Tensor], as encoding: TensorEncoding) throws(WireError) -> [WireTensor]
    {
        var tensors: [WireTensor] = []
        for (name, tensor) in state.sorted(by: { $0.key < $1.key }) {
            tensors.append(try WireTensor(name: name, tensor: tensor, encoding: encoding))
        }
        return tensors
    }

    /// Decodes tensors into a state dictionary.
    ///
    /// - Throws: ``WireError/duplicateTensorName(_:)`` if two tensors share a name.
    public static func decode(_ tensors: [WireTensor]) throws(WireError) -> [String: Tensor] {
        var state: [String: Tensor] = [:]
        for wire in tensors {
            guard state.updateValue(wire.tensor(), forKey: wire.name) == nil else {
                throw .duplicateTensorName(wire.name)
            }
        }
        return state
    }

    /// Writes each value's `Bits` little-endian into a fresh byte array.
    private static func pack<Bits: FixedWidthInteger>(
        _ scalars: [Float], width: Int, _ convert: (Float) -> Bits
    ) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: scalars.count * width) { buffer, initialized in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            for (index, value) in scalars.enumerated() {
                raw.storeBytes(of: convert(value).littleEndian, toByteOffset: index * width, as: Bits.self)
            }
            initialized = scalars.count * width
        }
    }

    /// Reads the data as little-endian `Bits` and converts each to a `Float`.
    private func unpack<Bits: FixedWidthInteger>(_ type: Bits.Type, _ convert: (Bits) -> Float) -> [Float] {
        let width = MemoryLayout<Bits>.size
        let count = bytes.count / width
        return bytes.withUnsafeBytes { raw in
            [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                for index in 0..<count {
                    buffer[index] = convert(
                        Bits(littleEndian: raw.loadUnaligned(fromByteOffset: index * width, as: Bits.self)))
                }
                initialized = count
            }
        }
    }
}
