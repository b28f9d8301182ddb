import SBTensor

/// The element types a safetensors file may hold that load as `Float` tensors.
///
/// Files written here are always `F32`; half- and double-precision tensors from other tools are
/// widened or rounded to `Float` on load. Integer and Boolean tensors are not loaded: a model's
/// parameters are floating point, and silently converting indices or masks would hide a mistake.
enum SafetensorsDType: String, CaseIterable {
    case f16 = "F16"
    case bf16 = "BF16"
    case f32 = "F32"
    case f64 = "F64"

    /// Every dtype name of the format, for telling an unsupported dtype from a misspelled one.
    static let formatNames: Set<String> = [
        "BOOL", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2", "I16", "U16", "F16",
        "BF16", "I32", "U32", "F32", "F64", "I64", "U64", "C64",
    ]

    /// Bytes per element.
    var byteWidth: Int {
        switch self {
        case .f16, .bf16: 2
        case .f32: 4
        case .f64: 8
        }
    }

    /// Parses a header's dtype, naming the tensor in the error.
    static func parse(_ name: String, tensor: String) throws(ModelFileError) -> SafetensorsDType {
        if let dtype = SafetensorsDType(rawValue: name) { return dtype }
        let supported = allCases.map(\.rawValue).joined(separator: ", ")
        let problem = formatNames.contains(name) ? "is not supported" : "is not a safetensors dtype"
        throw .invalidSafetensors(
            "tensor '\(tensor)' has dtype '\(name)', which \(problem); only floating-point tensors "
                + "(\(supported)) can be loaded")
    }

    /// Converts `count` little-endian elements starting at `bytes` to `Float`s.
    func floats(from bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            switch self {
            case .f32:
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
                    buffer[index] = Float(bitPattern: UInt32(littleEndian: bits))
                }
            case .f64:
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 8 * index, as: UInt64.self)
                    buffer[index] = Float(Double(bitPattern: UInt64(littleEndian: bits)))
                }
            case .f16:
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)
                    buffer[index] = HalfPrecision.float(bits: UInt16(littleEndian: bits))
                }
            case .bf16:
                // bfloat16 is the upper half of a Float32, so widening is exact.
                for index in 0..<count {
                    let bits = bytes.loadUnaligned(fromByteOffset: 2 * index, as: UInt16.self)
                    buffer[index] = Float(bitPattern: UInt32(UInt16(littleEndian: bits)) << 16)
                }
            }
            initialized = count
        }
    }
}
