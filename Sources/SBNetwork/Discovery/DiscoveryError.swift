/// Why a ``DiscoveryService`` could not start.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A ``DiscoveryConfiguration`` value cannot work; the text says which and why.
    case invalidConfiguration(String)
    /// A socket for discovery could not be set up.
    case network(NetworkError)

    /// What went wrong and what to do about it.
    public var description: String {
        switch self {
        case .invalidConfiguration(let reason):
            "invalid discovery configuration: \(reason)."
        case .network(let error):
            "discovery could not set up its sockets: \(error)"
        }
    }
}
