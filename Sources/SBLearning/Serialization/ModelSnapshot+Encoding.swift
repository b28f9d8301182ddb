import Foundation

extension ModelSnapshot {
    /// The architecture document's `format` value, which tells it apart from other JSON files.
    public static let architectureFormat = "scatterbrained.model"

    /// The version of the architecture document written, and the newest one read.
    public static let architectureFormatVersion = 1

    /// Encodes the architecture as a JSON document with sorted keys, pretty-printed for people and
    /// for diffs:
    ///
    /// ```json
    /// {
    ///   "architecture" : { "arguments" : {}, "children" : [ ... ], "type" : "Sequential" },
    ///   "format" : "scatterbrained.model",
    ///   "formatVersion" : 1
    /// }
    /// ```
    ///
    /// - Throws: ``ModelFileError/invalidArchitecture(_:)`` if an argument cannot be written as
    ///   JSON (a non-finite number).
    public func architectureJSON() throws(ModelFileError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = ArchitectureDocument(
            format: Self.architectureFormat, formatVersion: Self.architectureFormatVersion, architecture: spec)
        do {
            return try encoder.encode(document)
        } catch {
            throw .invalidArchitecture("\(spec.type) cannot be written as JSON: \(error)")
        }
    }

    /// Encodes the weights as a safetensors file (F32, in name order).
    public func weightsSafetensors() -> Data {
        Data(Safetensors.encode(state))
    }

    /// Decodes a snapshot from the two documents of a model file.
    ///
    /// The weights are not checked against the architecture here; ``makeModule()`` does that.
    ///
    /// - Parameters:
    ///   - architectureJSON: the document ``architectureJSON()`` writes.
    ///   - weightsSafetensors: the safetensors file ``weightsSafetensors()`` writes, or any
    ///     safetensors file with the parameters under PyTorch's names.
    /// - Throws: ``ModelFileError/invalidArchitecture(_:)`` or
    ///   ``ModelFileError/invalidSafetensors(_:)`` naming the problem.
    public init(architectureJSON: Data, weightsSafetensors: some ContiguousBytes) throws(ModelFileError) {
        self.init(
            spec: try Self.decodeArchitecture(architectureJSON), state: try Safetensors.decode(weightsSafetensors))
    }

    /// Decodes the architecture from the document ``architectureJSON()`` writes.
    ///
    /// - Throws: ``ModelFileError/invalidArchitecture(_:)`` for data that is not such a document,
    ///   or one of a newer format version.
    public static func decodeArchitecture(_ json: Data) throws(ModelFileError) -> ModuleSpec {
        let decoder = JSONDecoder()
        // The version is checked on its own first, so a newer file is reported as newer rather
        // than as whatever field this version does not understand.
        let version: VersionProbe
        do {
            version = try decoder.decode(VersionProbe.self, from: json)
        } catch {
            throw .invalidArchitecture("not a JSON object: \(describe(error))")
        }
        guard version.format == architectureFormat else {
            throw .invalidArchitecture(
                "not a Scatterbrained model architecture: 'format' is \(version.format.map { "'\($0)'" } ?? "missing"), "
                    + "expected '\(architectureFormat)'")
        }
        guard let formatVersion = version.formatVersion, (1...architectureFormatVersion).contains(formatVersion) else {
            throw .invalidArchitecture(
                "format version \(version.formatVersion.map(String.init) ?? "missing") is not supported: this library "
                    + "reads versions 1 to \(architectureFormatVersion)")
        }
        do {
            return try decoder.decode(ArchitectureDocument.self, from: json).architecture
        } catch {
            throw .invalidArchitecture(describe(error))
        }
    }

    /// A decoding error as a path and a reason, without Foundation's debugging decoration.
    private static func describe(_ error: any Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        let (path, reason): ([any CodingKey], String)
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (path, reason) = (context.codingPath, context.debugDescription)
        case .keyNotFound(let key, let context):
            (path, reason) = (context.codingPath + [key], "missing")
        @unknown default:
            return "\(error)"
        }
        let location = path.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return location.isEmpty ? reason : "\(location.drop { $0 == "." }): \(reason)"
    }
}

/// The architecture file's top level.
private struct ArchitectureDocument: Codable {
    var format: String
    var formatVersion: Int
    var architecture: ModuleSpec
}

/// The fields that say what kind of document a JSON object is.
private struct VersionProbe: Decodable {
    var format: String?
    var formatVersion: Int?
}
