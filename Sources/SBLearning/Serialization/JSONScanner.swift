/// A strict, allocation-light JSON reader for the safetensors header.
///
/// Foundation's JSON readers accept a duplicated key silently (on Linux, `JSONDecoder` keeps the
/// first and `JSONSerialization` the last) and `JSONSerialization` reads `true` as the integer 1,
/// so a hostile header could smuggle a second definition of a tensor or a Boolean dimension past
/// them. This scanner is driven by the caller, which knows the schema: it reads one token at a
/// time, builds nothing the caller did not ask for, limits nesting, and reports the byte offset of
/// the first problem.
///
/// It reads from a buffer it does not own, so it must not outlive the caller's
/// `withUnsafeBytes` scope.
struct JSONScanner {
    /// Nesting deeper than this is rejected: the header's own structure needs three levels, and
    /// unknown values are skipped recursively, so the limit keeps hostile input off the stack.
    static let maximumDepth = 32

    private let bytes: UnsafeRawBufferPointer
    private var offset = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Consumes `{` (after any whitespace).
    mutating func beginObject() throws(ModelFileError) {
        try expect(UInt8(ascii: "{"), "an object")
    }

    /// Consumes `[` (after any whitespace).
    mutating func beginArray() throws(ModelFileError) {
        try expect(UInt8(ascii: "["), "a list")
    }

    /// Reads the next member's key and its `:`, or consumes the closing `}` and returns nil.
    ///
    /// - Parameter isFirst: true before the first member; the scanner clears it, and expects a
    ///   comma before every later member.
    mutating func nextKey(isFirst: inout Bool) throws(ModelFileError) -> String? {
        guard try hasNext(closing: UInt8(ascii: "}"), isFirst: &isFirst) else { return nil }
        let key = try string()
        try expect(UInt8(ascii: ":"), "':' after a key")
        return key
    }

    /// Returns whether another list element follows, consuming the comma before it, or consumes
    /// the closing `]` and returns false.
    mutating func nextElement(isFirst: inout Bool) throws(ModelFileError) -> Bool {
        try hasNext(closing: UInt8(ascii: "]"), isFirst: &isFirst)
    }

    /// Returns whether the next value starts with `byte`, skipping whitespace but nothing else.
    mutating func nextValueStarts(with byte: UInt8) -> Bool {
        skipWhitespace()
        return peek() == byte
    }

    /// Reads `null` if it is next, and returns whether it was.
    mutating func skipNull() throws(ModelFileError) -> Bool {
        skipWhitespace()
        guard peek() == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    /// Reads a string, resolving escapes.
    ///
    /// - Throws: ``ModelFileError/invalidSafetensors(_:)`` for anything but a well-formed string of
    ///   valid UTF-8.
    mutating func string() throws(ModelFileError) -> String {
        skipWhitespace()
        let start = offset
        try expect(UInt8(ascii: "\""), "a string")
        var utf8: [UInt8] = []
        while true {
            guard let byte = next() else { throw failure("unterminated string", at: start) }
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw failure("string is not valid UTF-8", at: start)
                }
                return text
            case UInt8(ascii: "\\"):
                try escape(into: &utf8)
            case ..<0x20:
                throw failure("control character in a string", at: offset - 1)
            default:
                utf8.append(byte)
            }
        }
    }

    /// Reads a non-negative integer written without fraction or exponent, as sizes and offsets are.
    ///
    /// - Parameter what: what the integer is, for the error message.
    mutating func nonNegativeInteger(_ what: @autoclosure () -> String) throws(ModelFileError) -> Int {
        skipWhitespace()
        let start = offset
        var value = 0
        var digits = 0
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
            if digits == 1 && value == 0 { throw failure("\(what()) has a leading zero", at: start) }
            let (scaled, overflowScale) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = scaled.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflowScale && !overflowAdd else { throw failure("\(what()) is too large", at: start) }
            value = sum
            digits += 1
            offset += 1
        }
        let followsNumber = peek().map { [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains($0) }
        guard digits > 0, followsNumber != true else {
            throw failure("\(what()) must be a non-negative integer", at: start)
        }
        return value
    }

    /// Reads and discards one value of any kind, checking that it is well formed.
    mutating func skipValue(depth: Int = 0) throws(ModelFileError) {
        guard depth < Self.maximumDepth else { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "\""):
            _ = try string()
        case UInt8(ascii: "{"):
            try beginObject()
            var isFirst = true
            while try nextKey(isFirst: &isFirst) != nil { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "["):
            try beginArray()
            var isFirst = true
            while try nextElement(isFirst: &isFirst) { try skipValue(depth: depth + 1) }
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
            try skipNumber()
        default: throw failure("expected a value")
        }
    }

    /// Checks that nothing but whitespace (the header's padding) remains.
    mutating func end() throws(ModelFileError) {
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected bytes after the header object") }
    }

    /// An error naming the problem and where it is.
    private func failure(_ problem: String, at position: Int? = nil) -> ModelFileError {
        .invalidSafetensors("header JSON at byte \(position ?? offset): \(problem)")
    }

    private func peek() -> UInt8? {
        offset < bytes.count ? bytes[offset] : nil
    }

    private mutating func next() -> UInt8? {
        guard let byte = peek() else { return nil }
        offset += 1
        return byte
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { offset += 1 }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(ModelFileError) {
        skipWhitespace()
        guard peek() == byte else { throw failure("expected \(what)") }
        offset += 1
    }

    private mutating func hasNext(closing: UInt8, isFirst: inout Bool) throws(ModelFileError) -> Bool {
        skipWhitespace()
        if peek() == closing {
            offset += 1
            return false
        }
        if !isFirst { try expect(UInt8(ascii: ","), "',' or '\(Character(Unicode.Scalar(closing)))'") }
        isFirst = false
        return true
    }

    private mutating func literal(_ word: StaticString) throws(ModelFileError) {
        let start = offset
        let text = UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        for expected in text {
            guard next() == expected else { throw failure("expected '\(word)'", at: start) }
        }
    }

    private mutating func skipNumber() throws(ModelFileError) {
        let start = offset
        if peek() == UInt8(ascii: "-") { offset += 1 }
        guard skipDigits() > 0 else { throw failure("malformed number", at: start) }
        if peek() == UInt8(ascii: ".") {
            offset += 1
            guard skipDigits() > 0 else { throw failure("malformed number", at: start) }
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            offset += 1
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { offset += 1 }
            guard skipDigits() > 0 else { throw failure("malformed number", at: start) }
        }
    }

    private mutating func skipDigits() -> Int {
        let start = offset
        while let byte = peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") { offset += 1 }
        return offset - start
    }

    private mutating func escape(into utf8: inout [UInt8]) throws(ModelFileError) {
        let start = offset - 1
        guard let kind = next() else { throw failure("unterminated escape", at: start) }
        switch kind {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(kind)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var value = try hexQuad()
            if (0xD800..<0xDC00).contains(value) {
                // A high surrogate must be followed by an escaped low one; together they name
                // one scalar beyond the Basic Multilingual Plane.
                guard next() == UInt8(ascii: "\\"), next() == UInt8(ascii: "u") else {
                    throw failure("unpaired surrogate in a \\u escape", at: start)
                }
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else {
                    throw failure("unpaired surrogate in a \\u escape", at: start)
                }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let scalar = Unicode.Scalar(value) else {
                throw failure("unpaired surrogate in a \\u escape", at: start)
            }
            UTF8.encode(scalar) { utf8.append($0) }
        default:
            throw failure("unknown escape", at: start)
        }
    }

    private mutating func hexQuad() throws(ModelFileError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt8
            switch next() {
            case let byte? where (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
                digit = byte - UInt8(ascii: "0")
            case let byte? where (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte):
                digit = byte - UInt8(ascii: "a") + 10
            case let byte? where (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte):
                digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("malformed \\u escape", at: offset - 1)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}
