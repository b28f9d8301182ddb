/// A named tensor as it travels: name, shape, element encoding and little-endian element bytes.
///
/// Holding the encoded bytes rather than `Float`s keeps decoding a copy, not a conversion, and
/// makes equality exact (NaN payloads included). Convert to and from ``Tensor`` with
/// ``init(name:tensor:encoding:)`` and ``tensor()``, or whole state dictionaries with
/// ``encode(_:as:)`` and ``decode(_:)``.
public struct WireTensor: Sendable, Equatable {
    /// The element type and, for int8, its quantization parameters.
    public enum Element: Sendable, Equatable {
        /// IEEE 754 binary32.
        case float32
        /// IEEE 754 binary16.
        case float16
        /// 8-bit affine-quantized.
        case int8(AffineQuantization)

        /// The encoding, whose raw value is the dtype byte.
        public var encoding: TensorEncoding {
            switch self {
            case .float32: .float32
            case .float16: .float16
            case .int8: .int8
            }
        }
    }

    /// The parameter's name, such as `0.weight`.
    public let name: String
    /// The size of each dimension; empty for a scalar.
    public let shape: [Int]
    /// How ``data`` encodes the values.
    public let element: Element
    /// The values, row-major, each ``TensorEncoding/byteWidth`` bytes, little-endian (a copy).
    public var data: [UInt8] { Array(bytes) }
    /// The values as stored: a decoded tensor shares the received message's buffer rather than
    /// copying its share of a 100 MB model out of it.
    let bytes: ArraySlice<UInt8>

    /// Creates a wire tensor from encoded bytes.
    ///
    /// - Throws: ``WireError`` if the name is empty or longer than
    ///   ``WireProtocol/maxTensorNameBytes``, the rank exceeds ``WireProtocol/maxTensorRank``, a
    ///   dimension is negative or above `UInt32.max`, or `data` does not hold exactly one element
    ///   per shape entry.
    public init(name: String, shape: [Int], element: Element, data: [UInt8]) throws(WireError) {
        try self.init(name: name, shape: shape, element: element, bytes: data[...])
    }

    init(name: String, shape: [Int], element: Element, bytes data: ArraySlice<UInt8>) throws(WireError) {
        let field = "tensor '\(name.prefix(64))'"
        guard !name.isEmpty else { throw .invalidValue(field: "tensor name", reason: "cannot be empty") }
        try ByteWriter.check(name.utf8.count, field: "tensor name length", limit: WireProtocol.maxTensorNameBytes)
        try ByteWriter.check(shape.count, field: "\(field) rank", limit: WireProtocol.maxTensorRank)
        let byteCount = try Self.byteCount(shape: shape, encoding: element.encoding, field: field)
        guard data.count == byteCount else {
            throw .invalidValue(
                field: "\(field) data", reason: "shape \(shape) needs \(byteCount) bytes, got \(data.count)")
        }
        self.name = name
        self.shape = shape
        self.element = element
        bytes = data
    }

    /// The number of values.
    public var elementCount: Int { bytes.count / element.encoding.byteWidth }

    /// The bytes `shape` needs in `encoding`, checked for overflow.
    static func byteCount(shape: [Int], encoding: TensorEncoding, field: String) throws(WireError) -> Int {
        var count = encoding.byteWidth
        for dimension in shape {
            guard (0...Int(UInt32.max)).contains(dimension) else {
                throw .invalidValue(
                    field: "\(field) shape", reason: "dimension \(dimension) is outside 0...\(UInt32.max)")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else {
                throw .invalidValue(field: "\(field) shape", reason: "\(shape) has more elements than memory can hold")
            }
            count = product
        }
        return count
    }
}
