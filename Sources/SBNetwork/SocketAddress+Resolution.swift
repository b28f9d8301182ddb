import CSBShims
import Foundation

extension SocketAddress {
    /// The most addresses ``resolving(_:)`` returns for one name.
    static let resolutionLimit = 16

    /// Resolves `host:port`, where the host may be a name (`coordinator.lab:7070`) as well as a numeric
    /// address, into the addresses to try, in the system's order of preference.
    ///
    /// Numeric hosts and `localhost` need no lookup. Other names go to the system resolver (the hosts
    /// file, then the configured DNS servers), which blocks, so the lookup runs on a thread of its own
    /// instead of holding one of Swift's cooperative threads. Resolve a seed when the node starts: a
    /// name that later points elsewhere is not followed.
    ///
    /// ```swift
    /// let seeds = try await SocketAddress.resolving("coordinator.lab:7070")
    /// try await Node.run(Node.Configuration(discovery: .seeds(seeds))) { node in ... }
    /// ```
    ///
    /// - Returns: At least one address.
    /// - Throws: ``NetworkError/invalidAddress(_:reason:)`` for text that is no `host:port`, or
    ///   ``NetworkError/hostNotFound(_:reason:)`` when the name does not resolve.
    public static func resolving(_ text: String) async throws(NetworkError) -> [SocketAddress] {
        let (host, port) = try split(text)
        if let numeric = try? SocketAddress(host: String(host), port: port) { return [numeric] }
        let name = String(host)
        let outcome: Result<[SocketAddress], NetworkError> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: lookUp(name, port: port, text: text))
            }
        }
        return try outcome.get()
    }

    /// The blocking lookup behind ``resolving(_:)``.
    private static func lookUp(_ name: String, port: UInt16, text: String) -> Result<[SocketAddress], NetworkError> {
        var found = [sb_address](repeating: sb_address(), count: resolutionLimit)
        let count = sb_resolve(name, port, &found, Int32(resolutionLimit))
        guard count > 0 else {
            let reason = count < 0 ? String(cString: sb_resolve_error(count)) : "the name has no address"
            return .failure(.hostNotFound(text, reason: reason))
        }
        return .success(found.prefix(Int(count)).map { SocketAddress(raw: $0) })
    }
}
