extension WireTensor: PayloadCodable {
    func encode(into writer: inout ByteWriter) {
        writer.write(checkedString: name)
        writer.write(element.encoding.rawValue)
        writer.write(UInt8(shape.count))
        for dimension in shape {
            writer.write(UInt32(dimension))
        }
        if case .int8(let quantization) = element {
            writer.write(quantization.scale)
            writer.write(quantization.zeroPoint)
        }
        writer.write(shared: bytes)
    }

    init(from reader: inout ByteReader) throws(WireError) {
        let name = try reader.readString(field: "tensor name", maxBytes: WireProtocol.maxTensorNameBytes)
        let field = "tensor '\(name.prefix(64))'"
        let code = try reader.read(UInt8.self, field: "\(field) dtype")
        guard let encoding = TensorEncoding(rawValue: code) else {
            throw .invalidValue(field: "\(field) dtype", reason: "\(code) is not 1 (float32), 2 (float16) or 3 (int8)")
        }
        let rank = try reader.readCount(
            UInt8.self, field: "\(field) rank", limit: WireProtocol.maxTensorRank, minimumElementSize: 4)
        var shape: [Int] = []
        for _ in 0..<rank {
            shape.append(Int(try reader.read(UInt32.self, field: "\(field) shape")))
        }
        let element: Element
        switch encoding {
        case .float32: element = .float32
        case .float16: element = .float16
        case .int8:
            let scale = try reader.readFloat(field: "\(field) int8 scale")
            let zeroPoint = try reader.read(Int8.self, field: "\(field) int8 zero point")
            element = .int8(try AffineQuantization(scale: scale, zeroPoint: zeroPoint))
        }
        // Checked against the remaining bytes by readBytes before anything is allocated.
        let byteCount = try Self.byteCount(shape: shape, encoding: encoding, field: field)
        let data = try reader.readSlice(count: byteCount, field: "\(field) data")
        try self.init(name: name, shape: shape, element: element, bytes: data)
    }

    /// Checks a message's tensor list: at most ``WireProtocol/maxTensors``, names unique.
    static func validate(_ tensors: [WireTensor], field: String) throws(WireError) {
        try ByteWriter.check(tensors.count, field: "\(field) tensor count", limit: WireProtocol.maxTensors)
        var names = Set<String>()
        for tensor in tensors where !names.insert(tensor.name).inserted {
            throw .duplicateTensorName(tensor.name)
        }
    }

    static func encode(_ tensors: [WireTensor], into writer: inout ByteWriter) {
        writer.write(UInt32(tensors.count))
        for tensor in tensors {
            tensor.encode(into: &writer)
        }
    }

    static func decodeList(from reader: inout ByteReader, field: String) throws(WireError) -> [WireTensor] {
        // The smallest tensor is a one-byte name after its two-byte length, a dtype and a rank.
        let count = try reader.readCount(
            UInt32.self, field: "\(field) tensor count", limit: WireProtocol.maxTensors, minimumElementSize: 5)
        var tensors: [WireTensor] = []
        tensors.reserveCapacity(count)
        for _ in 0..<count {
            tensors.append(try WireTensor(from: &reader))
        }
        return tensors
    }
}
