import Foundation

extension ModelSnapshot {
    /// The architecture file's name in a model directory.
    public static let architectureFileName = "model.json"

    /// The weights file's name in a model directory.
    public static let weightsFileName = "model.safetensors"

    /// Writes the architecture and the weights to two files, each replaced atomically.
    ///
    /// - Throws: ``ModelFileError/fileAccess(path:reason:)`` if a file cannot be written,
    ///   ``ModelFileError/invalidArchitecture(_:)`` if the architecture cannot be encoded.
    public func save(architecture: URL, weights: URL) throws(ModelFileError) {
        let json = try architectureJSON()
        try ModelFileIO.write(weightsSafetensors(), to: weights)
        try ModelFileIO.write(json, to: architecture)
    }

    /// Reads a snapshot from an architecture file and a weights file.
    ///
    /// - Throws: ``ModelFileError/fileAccess(path:reason:)`` if a file cannot be read,
    ///   ``ModelFileError/invalidArchitecture(_:)`` or ``ModelFileError/invalidSafetensors(_:)``
    ///   if one is malformed.
    public static func load(architecture: URL, weights: URL) throws(ModelFileError) -> ModelSnapshot {
        try ModelSnapshot(
            architectureJSON: ModelFileIO.read(architecture), weightsSafetensors: ModelFileIO.read(weights))
    }

    /// Writes ``architectureFileName`` and ``weightsFileName`` into `directory`, creating it if
    /// needed.
    ///
    /// - Throws: as ``save(architecture:weights:)``.
    public func save(to directory: URL) throws(ModelFileError) {
        try ModelFileIO.createDirectory(directory)
        try save(
            architecture: directory.appending(path: Self.architectureFileName),
            weights: directory.appending(path: Self.weightsFileName))
    }

    /// Reads ``architectureFileName`` and ``weightsFileName`` from `directory`.
    ///
    /// - Throws: as ``load(architecture:weights:)``.
    public static func load(from directory: URL) throws(ModelFileError) -> ModelSnapshot {
        try load(
            architecture: directory.appending(path: architectureFileName),
            weights: directory.appending(path: weightsFileName))
    }
}
