import CSBShims

/// An IP address and port: where a socket is bound, or the peer it talks to.
///
/// ```swift
/// let a = try SocketAddress(parsing: "127.0.0.1:9000")
/// let b = try SocketAddress(parsing: "[::1]:9000")
/// let c = SocketAddress(ip: .loopbackIPv4, port: 0)   // port 0: let the system choose
/// print(b)                                            // [::1]:9000
/// ```
public struct SocketAddress: Hashable, Sendable, CustomStringConvertible, LosslessStringConvertible {
    /// The host part.
    public var ip: IPAddress
    /// The port; 0 when binding asks the system for a free one.
    public var port: UInt16

    /// Creates an address from its parts.
    public init(ip: IPAddress, port: UInt16) {
        self.ip = ip
        self.port = port
    }

    /// Creates an address from a numeric host (see ``IPAddress/init(parsing:)``) and a port.
    ///
    /// - Throws: ``NetworkError/invalidAddress(_:reason:)`` when `host` is not numeric.
    public init(host: String, port: UInt16) throws(NetworkError) {
        self.init(ip: try IPAddress(parsing: host), port: port)
    }

    /// Parses `host:port` with a numeric host, IPv6 hosts in brackets: `10.0.0.2:9000`, `[fe80::1]:9000`.
    /// ``resolving(_:)`` also takes host names.
    ///
    /// - Throws: ``NetworkError/invalidAddress(_:reason:)`` naming what is wrong with `text`.
    public init(parsing text: String) throws(NetworkError) {
        let (host, port) = try Self.split(text)
        do {
            try self.init(host: String(host), port: port)
        } catch {
            // Report the whole text the caller gave, not just its host part.
            guard case .invalidAddress(_, let reason) = error else { throw error }
            throw .invalidAddress(text, reason: reason)
        }
    }

    /// Splits `host:port` (IPv6 hosts in brackets) into its host text and port number.
    static func split(_ text: String) throws(NetworkError) -> (host: Substring, port: UInt16) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw .invalidAddress(text, reason: "missing ']' after the IPv6 host")
            }
            host = text[text.index(after: text.startIndex)..<close]
            guard text[close...].hasPrefix("]:") else {
                throw .invalidAddress(text, reason: "expected ':port' after ']'")
            }
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                throw .invalidAddress(text, reason: "missing ':port'")
            }
            host = text[..<colon]
            guard !host.contains(":") else {
                throw .invalidAddress(text, reason: "IPv6 hosts need brackets, as in [::1]:9000")
            }
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else {
            throw .invalidAddress(text, reason: "the port must be a number from 0 to 65535")
        }
        guard !host.isEmpty else { throw .invalidAddress(text, reason: "the host is empty") }
        return (host, port)
    }

    /// Parses like ``init(parsing:)``, returning `nil` for invalid text.
    public init?(_ description: String) {
        guard let address = try? SocketAddress(parsing: description) else { return nil }
        self = address
    }

    /// `host:port`, with IPv6 hosts in brackets so the text parses back.
    public var description: String {
        ip.family == .ipv4 ? "\(ip):\(port)" : "[\(ip)]:\(port)"
    }

    /// The C form handed to the shims.
    var raw: sb_address {
        var raw = ip.raw
        raw.port = port
        return raw
    }

    init(raw: sb_address) {
        self.init(ip: IPAddress(raw: raw), port: raw.port)
    }
}
