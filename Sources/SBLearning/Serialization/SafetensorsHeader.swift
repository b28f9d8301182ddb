/// The header of a safetensors file: where each tensor's bytes are, and free-form metadata.
///
/// A header read from a file is fully validated before any tensor data is touched, so every
/// later read stays inside the file and every allocation is bounded by the file's own size.
struct SafetensorsHeader {
    /// One tensor's description.
    struct Entry {
        var name: String
        var dtype: SafetensorsDType
        var shape: [Int]
        /// The number of elements (the product of `shape`).
        var count: Int
        /// Where the tensor's bytes are, relative to the start of the data section.
        var byteRange: Range<Int>
    }

    /// The largest header accepted, as in the reference implementation: a header describes
    /// tensors, it does not hold them, so anything larger is corrupt or hostile.
    static let maximumLength = 100_000_000

    /// The most dimensions a tensor may have (PyTorch's own limit), which bounds what a hostile
    /// header can make the reader allocate per tensor.
    static let maximumRank = 64

    /// The key under which the format keeps string metadata instead of a tensor.
    static let metadataKey = "__metadata__"

    /// The tensors, in the order of their data.
    var entries: [Entry]
    /// The string-to-string metadata.
    var metadata: [String: String]
}

extension SafetensorsHeader {
    /// Lays out F32 tensors contiguously in the order given.
    init(float32Tensors tensors: [(name: String, shape: [Int], count: Int)], metadata: [String: String]) {
        var end = 0
        entries = tensors.map { tensor in
            let begin = end
            end += tensor.count * SafetensorsDType.f32.byteWidth
            return Entry(
                name: tensor.name, dtype: .f32, shape: tensor.shape, count: tensor.count, byteRange: begin..<end)
        }
        self.metadata = metadata
    }

    /// The number of bytes of tensor data the entries describe.
    var dataLength: Int { entries.last?.byteRange.upperBound ?? 0 }

    /// The header as the format writes it: compact JSON (metadata first, then the tensors in data
    /// order, each as `dtype`, `shape`, `data_offsets`, as the reference implementation orders
    /// them) padded with spaces so that the data section starts at a multiple of 8 bytes.
    func encodedJSON() -> [UInt8] {
        var json = "{"
        var members: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
                .map { "\(Self.quoted($0)):\(Self.quoted(metadata[$0]!))" }
            members.append("\(Self.quoted(Self.metadataKey)):{\(pairs.joined(separator: ","))}")
        }
        for entry in entries {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            members.append(
                "\(Self.quoted(entry.name)):{\"dtype\":\"\(entry.dtype.rawValue)\",\"shape\":[\(shape)],"
                    + "\"data_offsets\":[\(entry.byteRange.lowerBound),\(entry.byteRange.upperBound)]}")
        }
        json += members.joined(separator: ",") + "}"
        var bytes = Array(json.utf8)
        bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8))
        return bytes
    }

    /// A JSON string literal, escaping what JSON requires and nothing else, as serde_json does.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{00}"..."\u{1F}":
                let hex = String(scalar.value, radix: 16, uppercase: false)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

extension SafetensorsHeader {
    /// Reads and validates the header at the start of `file`.
    ///
    /// - Returns: the header and the offset in `file` at which the data section starts.
    /// - Throws: ``ModelFileError/invalidSafetensors(_:)`` naming the first problem: a file too
    ///   short for the header length, a header length beyond the file or the limit, malformed JSON,
    ///   a missing or mistyped field, an unsupported dtype, a shape that does not match its byte
    ///   range, or byte ranges that overlap, leave gaps or run past the end of the file.
    static func read(from file: UnsafeRawBufferPointer) throws(ModelFileError) -> (header: Self, dataStart: Int) {
        guard file.count >= 8 else {
            throw .invalidSafetensors(
                "the data is \(file.count) bytes long, too short for the 8-byte header length that starts the format")
        }
        let declaredLength = UInt64(littleEndian: file.loadUnaligned(as: UInt64.self))
        guard declaredLength <= UInt64(maximumLength) else {
            throw .invalidSafetensors("header length \(declaredLength) exceeds the limit of \(maximumLength) bytes")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= file.count - 8 else {
            throw .invalidSafetensors(
                "truncated header: the header length is \(headerLength) bytes, but only \(file.count - 8) bytes follow")
        }
        let json = UnsafeRawBufferPointer(rebasing: file[8..<8 + headerLength])
        let (fields, metadata) = try parse(json)
        let dataStart = 8 + headerLength
        let entries = try validate(fields, dataLength: file.count - dataStart)
        return (Self(entries: entries, metadata: metadata), dataStart)
    }

    /// Checks each entry's dtype, shape and byte range, and that the ranges tile the data section.
    private static func validate(_ fields: [EntryFields], dataLength: Int) throws(ModelFileError) -> [Entry] {
        var entries: [Entry] = []
        entries.reserveCapacity(fields.count)
        for field in fields {
            entries.append(try field.validated(dataLength: dataLength))
        }
        // The reference implementation accepts only a data section that the tensors cover
        // exactly, so a file can hide no extra bytes and no two tensors can share any.
        entries.sort {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound) < ($1.byteRange.lowerBound, $1.byteRange.upperBound)
        }
        var covered = 0
        var previous: String?
        for entry in entries {
            if entry.byteRange.lowerBound < covered, let previous {
                throw .invalidSafetensors(
                    "tensors '\(previous)' and '\(entry.name)' overlap: '\(entry.name)' starts at byte "
                        + "\(entry.byteRange.lowerBound), before the end of '\(previous)' at byte \(covered)")
            }
            if entry.byteRange.lowerBound > covered {
                throw .invalidSafetensors(
                    "bytes \(covered)..<\(entry.byteRange.lowerBound) of the data section belong to no tensor")
            }
            covered = entry.byteRange.upperBound
            previous = entry.name
        }
        guard covered == dataLength else {
            throw .invalidSafetensors(
                "the data section is \(dataLength) bytes long, but the tensors cover \(covered) bytes")
        }
        return entries
    }
}

/// The fields of one tensor entry as written in the header, before validation.
struct EntryFields {
    var name: String
    var dtype: String?
    var shape: [Int]?
    var dataOffsets: [Int]?

    /// Checks the fields against each other and against the data section's length.
    func validated(dataLength: Int) throws(ModelFileError) -> SafetensorsHeader.Entry {
        guard let dtypeName = dtype else { throw missing("dtype") }
        guard let shape else { throw missing("shape") }
        guard let dataOffsets else { throw missing("data_offsets") }
        let dtype = try SafetensorsDType.parse(dtypeName, tensor: name)
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw problem("shape \(shape) has too many elements") }
            count = product
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.byteWidth)
        guard !overflow else { throw problem("shape \(shape) has too many elements") }
        guard dataOffsets.count == 2 else {
            throw problem("'data_offsets' must be [begin, end], got \(dataOffsets.count) numbers")
        }
        let (begin, end) = (dataOffsets[0], dataOffsets[1])
        guard begin <= end else { throw problem("'data_offsets' [\(begin), \(end)] end before they begin") }
        guard end <= dataLength else {
            throw problem(
                "'data_offsets' [\(begin), \(end)] are out of range: the data section is \(dataLength) bytes long")
        }
        guard end - begin == byteCount else {
            throw problem(
                "shape \(shape) of \(dtype.rawValue) needs \(byteCount) bytes, but 'data_offsets' [\(begin), \(end)] "
                    + "span \(end - begin)")
        }
        return .init(name: name, dtype: dtype, shape: shape, count: count, byteRange: begin..<end)
    }

    private func missing(_ field: String) -> ModelFileError {
        problem("the '\(field)' field is missing")
    }

    private func problem(_ text: String) -> ModelFileError {
        .invalidSafetensors("tensor '\(name)': \(text)")
    }
}
