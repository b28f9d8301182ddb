import Foundation

extension Module {
    /// Saves the model's architecture and weights into `directory` as `model.json` and
    /// `model.safetensors`, creating the directory if needed.
    ///
    /// ```swift
    /// try model.save(to: URL(filePath: "digits-mlp"))
    /// let copy = try Sequential.load(from: URL(filePath: "digits-mlp"))
    /// ```
    ///
    /// - Throws: ``ModuleError/notDescribable(_:)`` for a module without a `describe()`, or a
    ///   ``ModelFileError`` if a file cannot be written.
    public func save(to directory: URL) throws {
        try ModelSnapshot(self).save(to: directory)
    }

    /// Rebuilds a model saved with ``save(to:)``.
    ///
    /// Call it on the type you expect (`Sequential.load(from:)`), or on `Module` for whatever
    /// the directory holds.
    ///
    /// - Throws: a ``ModelFileError`` if the files are missing, malformed, name an unregistered
    ///   type or hold a model of another type than `Self`; a ``ModuleError`` if the weights do not
    ///   fit the architecture.
    public static func load(from directory: URL) throws -> Self {
        let module = try ModelSnapshot.load(from: directory).makeModule()
        guard let model = module as? Self else {
            throw ModelFileError.invalidArchitecture(
                "'\(directory.path)' holds a \(type(of: module)), not a \(Self.self)")
        }
        return model
    }
}
