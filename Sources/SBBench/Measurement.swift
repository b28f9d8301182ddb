import Dispatch
import Foundation
import Synchronization

/// Timing helpers: every figure is the median of several runs, as the machines are noisy.
enum Measurement {
    /// Seconds taken by `body`.
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = ContinuousClock.now
        try body()
        return seconds(of: ContinuousClock.now - start)
    }

    static func seconds(of elapsed: Duration) -> Double {
        Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Runs async work from a synchronous suite entry point and returns its result.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
        let result = Mutex<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Task {
            let outcome: Result<T, any Error>
            do {
                outcome = .success(try await body())
            } catch {
                outcome = .failure(error)
            }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// Rounds for JSON readability.
    static func rounded(_ value: Double, places: Int = 1) -> Double {
        let scale = Foundation.pow(10, Double(places))
        return (value * scale).rounded() / scale
    }
}

/// What the figures were measured on.
enum Machine {
    /// The 1, 5 and 15 minute load averages, for reading a run's figures in context.
    static func loadAverage() -> String {
        (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?
            .split(separator: " ").prefix(3).joined(separator: " ") ?? "unknown"
    }

    static func describe() -> [String: Any] {
        let cpuInfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuInfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)) }
        return [
            "cpu": model ?? "unknown",
            "cores": ProcessInfo.processInfo.activeProcessorCount,
            "os": ProcessInfo.processInfo.operatingSystemVersionString,
        ]
    }
}
