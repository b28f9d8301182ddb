import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An executable of this package (built next to the test bundle) running as a child process,
/// optionally inside a network namespace, whose JSON output lines are decoded as they arrive.
///
/// The multi-process tests use it to run real nodes; it is killed (SIGKILL) and reaped on deinit.
public final class ChildProcess<Line: Decodable & Sendable> {
    private let process = Process()
    private let output = LineCollector<Line>()
    private let errors = ByteCollector()

    /// Starts the product `name` with `arguments`, under `ip netns exec namespace` when one is given.
    ///
    /// - Throws: ``TestSupportError`` when the product is not built or `ip` is missing.
    public init(product name: String, _ arguments: [String], in namespace: String? = nil) throws {
        let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let executable = products.appendingPathComponent(name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw TestSupportError("build \(name) first: \(executable.path) is missing")
        }
        if let namespace {
            guard let ip = executableOnPath(named: "ip") else { throw TestSupportError("iproute2's ip is missing") }
            process.executableURL = ip
            process.arguments = ["netns", "exec", namespace, executable.path] + arguments
        } else {
            process.executableURL = executable
            process.arguments = arguments
        }
        let pipe = Pipe()
        let errorPipe = Pipe()
        process.standardOutput = pipe
        process.standardError = errorPipe
        try process.run()
        // Threads of their own read until the end of the output with blocking reads: the last lines
        // of a process that has just exited are all there, which readability handlers do not promise.
        let reader = pipe.fileHandleForReading
        Thread.detachNewThread { [output] in
            while case let data = reader.availableData, !data.isEmpty { output.append(data) }
        }
        let errorReader = errorPipe.fileHandleForReading
        Thread.detachNewThread { [errors] in
            while case let data = errorReader.availableData, !data.isEmpty { errors.append(data) }
        }
    }

    deinit {
        kill()
    }

    /// The lines printed so far (lines that do not decode as `Line` are skipped).
    public var lines: [Line] { output.lines }

    /// What the process wrote to standard error so far.
    public var standardError: String { String(decoding: errors.bytes, as: UTF8.self) }

    /// Waits up to `limit` for a line matching `predicate`; the first such line, or nil.
    public func waitForLine(limit: Duration, where predicate: (Line) -> Bool) async throws -> Line? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let line = lines.first(where: predicate) { return line }
            try await Task.sleep(for: .milliseconds(20))
        }
        return lines.first(where: predicate)
    }

    /// Waits up to `limit` for the process to exit; its status, or nil if it still runs.
    public func exitStatus(within limit: Duration) async throws -> Int32? {
        let deadline = ContinuousClock.now + limit
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Ends the process with SIGKILL, so it gets no chance to say goodbye, and reaps it.
    public func kill() {
        guard process.isRunning else { return }
        _ = Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

/// A process's output, split into lines and decoded as it arrives on the pipe's reading thread.
private final class LineCollector<Line: Decodable & Sendable>: Sendable {
    private let state = Mutex<(buffer: [UInt8], lines: [Line])>(([], []))

    var lines: [Line] { state.withLock { $0.lines } }

    func append(_ data: Data) {
        state.withLock { state in
            state.buffer += data
            while let newline = state.buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Data(state.buffer[..<newline])
                state.buffer.removeSubrange(...newline)
                if let decoded = try? JSONDecoder().decode(Line.self, from: line) { state.lines.append(decoded) }
            }
        }
    }
}

/// A process's standard error, as it arrives on its reading thread.
private final class ByteCollector: Sendable {
    private let state = Mutex<[UInt8]>([])

    var bytes: [UInt8] { state.withLock { $0 } }

    func append(_ data: Data) {
        state.withLock { $0 += data }
    }
}

/// A test set-up step that could not be carried out, with what to do about it.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) { self.description = description }
}

/// The executable called `name` on the PATH (or in /usr/sbin, where iproute2 lives), if any.
public func executableOnPath(named name: String) -> URL? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
    return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }
}
