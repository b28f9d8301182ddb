import Foundation
import Scatterbrained
import Testing

/// A safetensors file with `header` as its JSON, unpadded, followed by `data`.
private func safetensorsFile(header: String, data: [UInt8] = []) -> [UInt8] {
    let json = Array(header.utf8)
    return withUnsafeBytes(of: UInt64(json.count).littleEndian, Array.init) + json + data
}

private func littleEndianBytes(_ values: [Float]) -> [UInt8] {
    values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
}

private func bits(_ tensors: [String: Tensor]) -> [String: [UInt32]] {
    tensors.mapValues { $0.scalars.map(\.bitPattern) }
}

@Suite("Safetensors encoding and decoding")
struct SafetensorsTests {
    @Test("Known answer: {\"a\": [1, 2]} encodes to the reference implementation's exact bytes")
    func knownAnswer() throws {
        let header = #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  "#
        let expected: [UInt8] =
            [56, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]
        let encoded = Safetensors.encode(["a": Tensor([1, 2])])
        #expect(encoded == expected)
        #expect(try Safetensors.decode(expected) == ["a": Tensor([1, 2])])
    }

    @Test("Known answer: metadata first and sorted, names in byte order and escaped, scalars and empty tensors")
    func knownAnswerWithMetadata() throws {
        let tensors = ["b": try Tensor(rows: [[1, 2]]), "a": Tensor.zeros([0]), "A\"\n": Tensor(3)]
        let header =
            #"{"__metadata__":{"format":"pt","z":"1"},"A\"\n":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"#
            + #""a":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"#
            + #""b":{"dtype":"F32","shape":[1,2],"data_offsets":[4,12]}}   "#
        let expected: [UInt8] = [208, 0, 0, 0, 0, 0, 0, 0] + Array(header.utf8) + littleEndianBytes([3, 1, 2])
        let encoded = Safetensors.encode(tensors, metadata: ["z": "1", "format": "pt"])
        #expect(encoded == expected)
        #expect(try Safetensors.decode(encoded) == tensors)
        #expect(try Safetensors.metadata(of: encoded) == ["z": "1", "format": "pt"])
    }

    @Test("Round trip keeps every bit, including NaN payloads, infinities, negative zero and subnormals")
    func roundTripIsBitExact() throws {
        let special: [Float] = [
            .nan, -.nan, Float(bitPattern: 0x7FC0_1234), .infinity, -.infinity, -0.0, .leastNonzeroMagnitude,
            .greatestFiniteMagnitude,
        ]
        let tensors = [
            "special": Tensor(special),
            "weights": Tensor.randn([3, 4, 5], seed: 1),
            "ünïcode/näme \u{1F9E0}\u{01}": Tensor(-1),
        ]
        let decoded = try Safetensors.decode(Data(Safetensors.encode(tensors, metadata: ["note": "\"quoted\"\t"])))
        #expect(bits(decoded) == bits(tensors))
        #expect(decoded.mapValues(\.shape) == tensors.mapValues(\.shape))
    }

    @Test("Files are read and written whole, and a missing file names its path")
    func fileHelpers() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "sb-modelfiles-\(UUID().uuidString).st")
        defer { try? FileManager.default.removeItem(at: url) }
        let tensors = ["x": Tensor.randn([7], seed: 2)]
        try Safetensors.write(tensors, metadata: ["k": "v"], to: url)
        #expect(try Safetensors.read(from: url) == tensors)
        #expect(try Safetensors.metadata(of: Data(contentsOf: url)) == ["k": "v"])
        try FileManager.default.removeItem(at: url)
        let error = #expect(throws: ModelFileError.self) { try Safetensors.read(from: url) }
        guard case .fileAccess(let path, let reason)? = error else {
            Issue.record("expected fileAccess, got \(String(describing: error))")
            return
        }
        #expect(path == url.path)
        #expect(reason == "No such file or directory")
    }

    @Test("F16, BF16 and F64 tensors load as Float32")
    func otherFloatingPointDTypes() throws {
        // F16 1, -2, 0.5, 65504 (largest), 2⁻²⁴ (smallest subnormal), -0, +∞.
        let half: [UInt16] = [0x3C00, 0xC000, 0x3800, 0x7BFF, 0x0001, 0x8000, 0x7C00]
        // BF16 1, -2, 3.140625.
        let brain: [UInt16] = [0x3F80, 0xC000, 0x4049]
        let double: [Double] = [0.1, -1e300, 2]
        let data =
            half.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
            + brain.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
            + double.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        let file = safetensorsFile(
            header: #"{"h":{"dtype":"F16","shape":[7],"data_offsets":[0,14]},"#
                + #""b":{"dtype":"BF16","shape":[3],"data_offsets":[14,20]},"#
                + #""d":{"dtype":"F64","shape":[3,1],"data_offsets":[20,44]}}"#,
            data: data)
        let tensors = try Safetensors.decode(file)
        let expectedHalf: [Float] = [1, -2, 0.5, 65504, 0x1p-24, -0.0, .infinity]
        #expect(tensors["h"]?.scalars.map(\.bitPattern) == expectedHalf.map(\.bitPattern))
        #expect(tensors["b"]?.scalars == [1, -2, 3.140625])
        #expect(tensors["d"]?.scalars == [0.1, -.infinity, 2])
        #expect(tensors["d"]?.shape == [3, 1])
    }

    /// A malformed file and a part of the message its error must carry.
    struct HostileInput: Sendable, CustomTestStringConvertible {
        var label: String
        var bytes: [UInt8]
        var expected: String
        var testDescription: String { label }

        init(_ label: String, _ bytes: [UInt8], _ expected: String) {
            (self.label, self.bytes, self.expected) = (label, bytes, expected)
        }
    }

    static let hostileInputs: [HostileInput] = [
        HostileInput("empty", [], "0 bytes long"),
        HostileInput("7 bytes", [1, 2, 3, 4, 5, 6, 7], "7 bytes long"),
        HostileInput(
            "header length 2^40", [0, 0, 0, 0, 0, 1, 0, 0] + Array("{}".utf8), "header length 1099511627776 exceeds"),
        HostileInput("header length past the end", [100, 0, 0, 0, 0, 0, 0, 0] + Array("{}".utf8), "truncated header"),
        HostileInput("not JSON", safetensorsFile(header: "{\"a\" {}}"), "header JSON at byte 5: expected ':'"),
        HostileInput("unterminated JSON", safetensorsFile(header: "{\"a\":{\"dtype\":\"F32\""), "header JSON at byte"),
        HostileInput("top level not an object", safetensorsFile(header: "[]"), "expected an object"),
        HostileInput("trailing garbage", safetensorsFile(header: "{} x"), "unexpected bytes after the header"),
        HostileInput(
            "integer dtype",
            safetensorsFile(
                header: #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
            "dtype 'I64', which is not supported"
        ),
        HostileInput(
            "unknown dtype",
            safetensorsFile(header: #"{"a":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            "dtype 'F33', which is not a safetensors dtype"
        ),
        HostileInput(
            "offsets out of range",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: [0, 0, 0, 0]),
            "'data_offsets' [0, 8] are out of range"
        ),
        HostileInput(
            "shape and size mismatch",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: .init(repeating: 0, count: 8)),
            "shape [3] of F32 needs 12 bytes"
        ),
        HostileInput(
            "offsets reversed",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: [0, 0, 0, 0]),
            "end before they begin"
        ),
        HostileInput(
            "overlapping tensors",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
                    + #""b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                data: .init(repeating: 0, count: 12)),
            "tensors 'a' and 'b' overlap"
        ),
        HostileInput(
            "gap between tensors",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: .init(repeating: 0, count: 8)),
            "bytes 0..<4 of the data section belong to no tensor"
        ),
        HostileInput(
            "bytes after the last tensor",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, data: .init(repeating: 0, count: 8)),
            "the data section is 8 bytes long, but the tensors cover 4 bytes"
        ),
        HostileInput(
            "duplicate names",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"#
                    + #""a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#,
                data: [0, 0, 0, 0]),
            "the header names 'a' twice"
        ),
        HostileInput(
            "duplicate field",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","shape":[1],"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            "tensor 'a' has two 'shape' fields"
        ),
        HostileInput(
            "missing field",
            safetensorsFile(header: #"{"a":{"shape":[1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0]),
            "tensor 'a': the 'dtype' field is missing"
        ),
        HostileInput(
            "negative dimension",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#),
            "must be a non-negative integer"
        ),
        HostileInput(
            "Boolean dimension",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,4]}}"#),
            "must be a non-negative integer"
        ),
        HostileInput(
            "fractional offset",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}"#),
            "must be a non-negative integer"
        ),
        HostileInput(
            "three offsets",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#),
            "'data_offsets' has more than 2 numbers"
        ),
        HostileInput(
            "element count overflow",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}"#),
            "has too many elements"
        ),
        HostileInput(
            "offset overflow",
            safetensorsFile(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,99999999999999999999]}}"#),
            "is too large"
        ),
        HostileInput(
            "rank above 64",
            safetensorsFile(
                header: #"{"a":{"dtype":"F32","data_offsets":[0,4],"shape":["#
                    + Array(repeating: "1", count: 65).joined(separator: ",") + "]}}"),
            "'shape' has more than 64 numbers"
        ),
        HostileInput(
            "deeply nested unknown field",
            safetensorsFile(header: #"{"a":{"extra":"# + String(repeating: "[", count: 10_000) + "}}"),
            "nesting deeper than 32 levels"
        ),
        HostileInput(
            "invalid UTF-8 in a name", [5, 0, 0, 0, 0, 0, 0, 0, 0x7B, 0x22, 0xFF, 0x22, 0x7D], "not valid UTF-8"),
        HostileInput("lone surrogate", safetensorsFile(header: #"{"\ud800":{}}"#), "unpaired surrogate"),
        HostileInput(
            "metadata not strings", safetensorsFile(header: #"{"__metadata__":{"k":1}}"#), "entry 'k' must be a string"),
        HostileInput("entry not an object", safetensorsFile(header: #"{"a":[0,4]}"#), "tensor 'a' must be an object"),
    ]

    @Test("Hostile or broken files give an error naming the problem", arguments: hostileInputs)
    func hostileInput(_ input: HostileInput) {
        let error = #expect(throws: ModelFileError.self) { try Safetensors.decode(input.bytes) }
        guard case .invalidSafetensors(let reason)? = error else {
            Issue.record("expected invalidSafetensors, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(input.expected), "'\(reason)' should contain '\(input.expected)'")
    }

    @Test("Thousands of random mutations and truncations never crash the decoder")
    func mutationsNeverCrash() throws {
        let valid = Safetensors.encode(
            ["0.weight": Tensor.randn([4, 3], seed: 4), "0.bias": Tensor.randn([4], seed: 5), "s": Tensor(1)],
            metadata: ["k": "v"])
        var generator = SeededGenerator(seed: 2024)
        var (accepted, rejected) = (0, 0)
        for round in 0..<3000 {
            var bytes = valid
            switch round % 3 {
            case 0:
                // Every proper prefix must be rejected: the data section no longer fits the header.
                let length = Int(generator.next() % UInt64(valid.count))
                #expect(throws: ModelFileError.self) { try Safetensors.decode(Array(valid.prefix(length))) }
                rejected += 1
                continue
            case 1:
                for _ in 0...(generator.next() % 4) {
                    let position = Int(generator.next() % UInt64(bytes.count))
                    bytes[position] = UInt8(truncatingIfNeeded: generator.next())
                }
            default:
                // Aim at the header length and the JSON, where the parsing is.
                let position = Int(generator.next() % UInt64(min(bytes.count, 120)))
                bytes[position] ^= UInt8(1) << (generator.next() % 8)
            }
            do {
                let decoded = try Safetensors.decode(bytes)
                // Whatever is accepted must be a consistent set of tensors that survives a round trip.
                #expect(bits(try Safetensors.decode(Safetensors.encode(decoded))) == bits(decoded))
                accepted += 1
            } catch {
                rejected += 1
            }
        }
        #expect(accepted > 0 && rejected > 1000, "accepted \(accepted), rejected \(rejected)")
    }
}

/// Runs `python3` (found on the `PATH`) for the interoperability tests.
private enum Python {
    /// Why Python with numpy and safetensors cannot be used here, or nil when it can.
    static let unavailableReason: String? = {
        let reason: String?
        do {
            let check = try run(["-c", "import numpy, safetensors.numpy"])
            let hint = "python3 with numpy and safetensors is unavailable (pip install safetensors numpy)"
            reason = check.status == 0 ? nil : "\(hint): \(check.error)"
        } catch {
            reason = "python3 cannot be started: \(error)"
        }
        if let reason { print("Skipping the Python interoperability tests: \(reason)") }
        return reason
    }()

    /// Runs `python3` with `arguments` and waits for it.
    static func run(_ arguments: [String]) throws -> (status: Int32, output: Data, error: String) {
        let process = Process()
        process.executableURL = URL(filePath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let (output, error) = (Pipe(), Pipe())
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read before waiting, so that a full pipe cannot block the child.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, outputData, String(decoding: errorData, as: UTF8.self))
    }

    /// Runs a script, failing the test with Python's error output if it fails.
    static func script(_ source: String, _ arguments: String...) throws -> Data {
        let result = try run(["-c", source] + arguments)
        try #require(result.status == 0, "python3 failed: \(result.error)")
        return result.output
    }
}

@Suite(
    "Safetensors files are exchanged with Python's reference implementation",
    .enabled(if: Python.unavailableReason == nil))
struct SafetensorsPythonTests {
    /// What the Python side reports about one tensor.
    struct PythonTensor: Decodable {
        var dtype: String
        var shape: [Int]
        var hex: String
    }

    @Test("Python loads the state dict Swift writes, value for value, and writes back the same bytes")
    func pythonReadsSwiftFile() throws {
        let model = Sequential(Linear(64, 64), ReLU(), Linear(64, 10))
        let state = model.stateDict()
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let (swiftFile, pythonFile) = (
                directory.appending(path: "swift.st"), directory.appending(path: "python.st")
            )
            try Safetensors.write(state, to: swiftFile)
            let report = try Python.script(
                """
                import json, sys
                from safetensors.numpy import load_file, save_file
                tensors = load_file(sys.argv[1])
                save_file(tensors, sys.argv[2])
                print(json.dumps({name: {"dtype": str(array.dtype), "shape": list(array.shape),
                                         "hex": array.astype("<f4").tobytes().hex()}
                                  for name, array in tensors.items()}))
                """, swiftFile.path, pythonFile.path)
            let loaded = try JSONDecoder().decode([String: PythonTensor].self, from: report)
            #expect(Set(loaded.keys) == ["0.weight", "0.bias", "2.weight", "2.bias"])
            #expect(
                loaded.mapValues(\.shape) == [
                    "0.weight": [64, 64], "0.bias": [64], "2.weight": [10, 64], "2.bias": [10],
                ])
            #expect(loaded.values.allSatisfy { $0.dtype == "float32" })
            for (name, tensor) in state {
                let hex = littleEndianBytes(tensor.scalars).map { String(format: "%02x", $0) }.joined()
                #expect(loaded[name]?.hex == hex, "values of \(name)")
            }
            #expect(try Data(contentsOf: pythonFile) == Data(contentsOf: swiftFile))
        }
    }

    @Test("Swift loads what numpy writes: F32, F16 and F64 tensors, empty tensors and metadata")
    func swiftReadsPythonFile() throws {
        try withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let file = directory.appending(path: "numpy.st")
            _ = try Python.script(
                """
                import sys
                import numpy as np
                from safetensors.numpy import save_file
                save_file({
                    "weight": np.arange(6, dtype=np.float32).reshape(2, 3) / 4,
                    "half": np.array([1, -2, 0.5, 65504, 2**-24, -0.0, np.inf], dtype=np.float16),
                    "double": np.array([[0.1], [-3.5]], dtype=np.float64),
                    "empty": np.zeros((0, 3), dtype=np.float32),
                }, sys.argv[1], metadata={"source": "numpy"})
                """, file.path)
            let tensors = try Safetensors.read(from: file)
            #expect(tensors["weight"] == (try Tensor(shape: [2, 3], scalars: [0, 0.25, 0.5, 0.75, 1, 1.25])))
            let half: [Float] = [1, -2, 0.5, 65504, 0x1p-24, -0.0, .infinity]
            #expect(tensors["half"]?.scalars.map(\.bitPattern) == half.map(\.bitPattern))
            #expect(tensors["double"] == (try Tensor(shape: [2, 1], scalars: [0.1, -3.5])))
            #expect(tensors["empty"]?.shape == [0, 3])
            #expect(try Safetensors.metadata(of: Data(contentsOf: file)) == ["source": "numpy"])
        }
    }
}
