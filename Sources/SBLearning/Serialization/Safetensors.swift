import Foundation
import SBTensor

/// Reads and writes the safetensors format, the weights format of Hugging Face and PyTorch.
///
/// A safetensors file is an 8-byte little-endian header length `N`, then `N` bytes of JSON
/// describing each tensor (`{"0.weight": {"dtype": "F32", "shape": [64, 64], "data_offsets":
/// [0, 16384]}, ...}` plus optional string metadata under `__metadata__`), then the tensors' raw
/// little-endian bytes. Files written here match the reference implementation's byte for byte:
/// tensors in name order, contiguous, the header padded with spaces to a multiple of 8 bytes.
///
/// Reading accepts any file the reference implementation writes. `F32` tensors load exactly;
/// `F16` and `BF16` are widened exactly and `F64` rounded to `Float`; any other dtype is an error.
/// The header is checked completely before any tensor data is read, so malformed or hostile input
/// gives a ``ModelFileError/invalidSafetensors(_:)`` naming the problem and never makes the reader
/// crash, read out of bounds or allocate more than the input's size warrants.
///
/// ```swift
/// let bytes = Safetensors.encode(model.stateDict())
/// try model.loadStateDict(Safetensors.decode(bytes))
///
/// try Safetensors.write(model.stateDict(), to: URL(filePath: "model.safetensors"))
/// let state = try Safetensors.read(from: URL(filePath: "model.safetensors"))
/// ```
public enum Safetensors {
    /// Encodes tensors as F32 safetensors bytes.
    ///
    /// - Parameters:
    ///   - tensors: the tensors by name, such as a `stateDict()`.
    ///   - metadata: free-form strings stored in the header under `__metadata__` (omitted when empty).
    /// - Returns: the complete file contents.
    /// - Precondition: no tensor is named `__metadata__`, the name the format reserves.
    public static func encode(_ tensors: [String: Tensor], metadata: [String: String] = [:]) -> [UInt8] {
        require(
            tensors[SafetensorsHeader.metadataKey] == nil,
            "Safetensors.encode: '\(SafetensorsHeader.metadataKey)' is reserved and cannot name a tensor")
        // The reference implementation orders names by their UTF-8 bytes.
        let names = tensors.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let header = SafetensorsHeader(
            float32Tensors: names.map { name in (name, tensors[name]!.shape, tensors[name]!.count) },
            metadata: metadata)
        let json = header.encodedJSON()
        let dataStart = 8 + json.count
        return [UInt8](unsafeUninitializedCapacity: dataStart + header.dataLength) { buffer, initialized in
            let file = UnsafeMutableRawBufferPointer(buffer)
            file.storeBytes(of: UInt64(json.count).littleEndian, as: UInt64.self)
            file.baseAddress!.advanced(by: 8).copyMemory(from: json, byteCount: json.count)
            for (entry, name) in zip(header.entries, names) {
                tensors[name]!.withUnsafeBufferPointer { values in
                    for (index, value) in values.enumerated() {
                        file.storeBytes(
                            of: value.bitPattern.littleEndian,
                            toByteOffset: dataStart + entry.byteRange.lowerBound + 4 * index,
                            as: UInt32.self)
                    }
                }
            }
            initialized = file.count
        }
    }

    /// Decodes the tensors of a safetensors file.
    ///
    /// - Parameter bytes: the complete file contents (`Data`, `[UInt8]`, ...).
    /// - Returns: every tensor by name, as `Float` tensors.
    /// - Throws: ``ModelFileError/invalidSafetensors(_:)`` naming the first problem found.
    public static func decode(_ bytes: some ContiguousBytes) throws(ModelFileError) -> [String: Tensor] {
        try withHeader(of: bytes) { file, header, dataStart throws(ModelFileError) in
            var tensors: [String: Tensor] = Dictionary(minimumCapacity: header.entries.count)
            for entry in header.entries {
                let range = (dataStart + entry.byteRange.lowerBound)..<(dataStart + entry.byteRange.upperBound)
                let scalars = entry.dtype.floats(
                    from: UnsafeRawBufferPointer(rebasing: file[range]), count: entry.count)
                // The header's validation guarantees non-negative dimensions whose product is `count`.
                tensors[entry.name] = try! Tensor(shape: entry.shape, scalars: scalars)
            }
            return tensors
        }
    }

    /// Reads the `__metadata__` strings of a safetensors file, validating its header but not
    /// converting its tensors.
    ///
    /// - Parameter bytes: the complete file contents.
    /// - Returns: the metadata, empty if the file has none.
    /// - Throws: ``ModelFileError/invalidSafetensors(_:)`` naming the first problem found.
    public static func metadata(of bytes: some ContiguousBytes) throws(ModelFileError) -> [String: String] {
        try withHeader(of: bytes) { _, header, _ in header.metadata }
    }

    /// Writes tensors to a safetensors file, replacing it atomically.
    ///
    /// - Throws: ``ModelFileError/fileAccess(path:reason:)`` if the file cannot be written.
    public static func write(
        _ tensors: [String: Tensor], metadata: [String: String] = [:], to url: URL
    ) throws(ModelFileError) {
        try ModelFileIO.write(Data(encode(tensors, metadata: metadata)), to: url)
    }

    /// Reads the tensors of a safetensors file.
    ///
    /// - Throws: ``ModelFileError/fileAccess(path:reason:)`` if the file cannot be read,
    ///   ``ModelFileError/invalidSafetensors(_:)`` if it is not well formed.
    public static func read(from url: URL) throws(ModelFileError) -> [String: Tensor] {
        try decode(ModelFileIO.read(url))
    }

    /// Validates the header of `bytes` and runs `body` on the file, the header and the offset at
    /// which the data section starts.
    private static func withHeader<Result>(
        of bytes: some ContiguousBytes,
        _ body: (UnsafeRawBufferPointer, SafetensorsHeader, Int) throws(ModelFileError) -> Result
    ) throws(ModelFileError) -> Result {
        // `withUnsafeBytes` rethrows untyped errors, so the typed error travels in a `Swift.Result`.
        let outcome = bytes.withUnsafeBytes { file in
            Swift.Result { () throws(ModelFileError) in
                let (header, dataStart) = try SafetensorsHeader.read(from: file)
                return try body(file, header, dataStart)
            }
        }
        return try outcome.get()
    }
}
