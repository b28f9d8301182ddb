extension SafetensorsHeader {
    /// Reads the header JSON into unvalidated tensor entries and the metadata.
    ///
    /// The schema: one object whose members are tensor entries
    /// (`{"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}`, other fields ignored) and an
    /// optional `__metadata__` object of strings. A name given twice is an error, as is a field
    /// given twice within an entry.
    static func parse(_ json: UnsafeRawBufferPointer) throws(ModelFileError) -> ([EntryFields], [String: String]) {
        var scanner = JSONScanner(json)
        var entries: [EntryFields] = []
        var metadata: [String: String]?
        var names: Set<String> = []
        try scanner.beginObject()
        var isFirst = true
        while let name = try scanner.nextKey(isFirst: &isFirst) {
            guard names.insert(name).inserted else { throw .invalidSafetensors("the header names '\(name)' twice") }
            if name == metadataKey {
                metadata = try parseMetadata(&scanner)
            } else {
                entries.append(try parseEntry(named: name, &scanner))
            }
        }
        try scanner.end()
        return (entries, metadata ?? [:])
    }

    private static func parseEntry(
        named name: String, _ scanner: inout JSONScanner
    ) throws(ModelFileError) -> EntryFields {
        var fields = EntryFields(name: name)
        try require(&scanner, "{", "tensor '\(name)' must be an object")
        try scanner.beginObject()
        var isFirst = true
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            let duplicate = ModelFileError.invalidSafetensors("tensor '\(name)' has two '\(key)' fields")
            switch key {
            case "dtype":
                guard fields.dtype == nil else { throw duplicate }
                try require(&scanner, "\"", "tensor '\(name)': 'dtype' must be a string")
                fields.dtype = try scanner.string()
            case "shape":
                guard fields.shape == nil else { throw duplicate }
                fields.shape = try parseIntegers(&scanner, limit: maximumRank, "tensor '\(name)': 'shape'")
            case "data_offsets":
                guard fields.dataOffsets == nil else { throw duplicate }
                fields.dataOffsets = try parseIntegers(&scanner, limit: 2, "tensor '\(name)': 'data_offsets'")
            default:
                try scanner.skipValue(depth: 2)
            }
        }
        return fields
    }

    private static func parseMetadata(_ scanner: inout JSONScanner) throws(ModelFileError) -> [String: String] {
        if try scanner.skipNull() { return [:] }
        try require(&scanner, "{", "'\(metadataKey)' must be an object of strings")
        try scanner.beginObject()
        var metadata: [String: String] = [:]
        var isFirst = true
        while let key = try scanner.nextKey(isFirst: &isFirst) {
            try require(&scanner, "\"", "'\(metadataKey)' entry '\(key)' must be a string")
            guard metadata.updateValue(try scanner.string(), forKey: key) == nil else {
                throw .invalidSafetensors("'\(metadataKey)' names '\(key)' twice")
            }
        }
        return metadata
    }

    /// Reads a list of at most `limit` non-negative integers.
    private static func parseIntegers(
        _ scanner: inout JSONScanner, limit: Int, _ what: String
    ) throws(ModelFileError) -> [Int] {
        try require(&scanner, "[", "\(what) must be a list of non-negative integers")
        try scanner.beginArray()
        var values: [Int] = []
        var isFirst = true
        while try scanner.nextElement(isFirst: &isFirst) {
            guard values.count < limit else {
                throw .invalidSafetensors("\(what) has more than \(limit) numbers")
            }
            values.append(try scanner.nonNegativeInteger("an entry of \(what)"))
        }
        return values
    }

    /// Throws a schema error unless the next value starts with `byte`.
    private static func require(
        _ scanner: inout JSONScanner, _ byte: Unicode.Scalar, _ message: @autoclosure () -> String
    ) throws(ModelFileError) {
        guard scanner.nextValueStarts(with: UInt8(ascii: byte)) else { throw .invalidSafetensors(message()) }
    }
}
