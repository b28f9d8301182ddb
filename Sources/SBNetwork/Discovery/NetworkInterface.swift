#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An IPv4 address of one of this machine's network interfaces, as discovery sees it.
///
/// ```swift
/// for interface in try NetworkInterface.ipv4() where interface.isUp && interface.supportsMulticast {
///     print(interface.name, interface.address)
/// }
/// ```
public struct NetworkInterface: Hashable, Sendable, CustomStringConvertible {
    /// The system's name for the interface, such as `eth0` or `lo`.
    public var name: String
    /// The interface's IPv4 address.
    public var address: IPAddress
    /// The subnet's broadcast address, when the interface supports broadcast.
    public var broadcastAddress: IPAddress?
    /// Whether the interface is administratively up and running.
    public var isUp: Bool
    /// Whether this is a loopback interface.
    public var isLoopback: Bool
    /// Whether the interface can send and receive multicast.
    public var supportsMulticast: Bool

    /// Creates an interface value.
    public init(
        name: String, address: IPAddress, broadcastAddress: IPAddress?, isUp: Bool, isLoopback: Bool,
        supportsMulticast: Bool
    ) {
        self.name = name
        self.address = address
        self.broadcastAddress = broadcastAddress
        self.isUp = isUp
        self.isLoopback = isLoopback
        self.supportsMulticast = supportsMulticast
    }

    /// The name and address, for logs.
    public var description: String { "\(name) (\(address))" }

    /// Every IPv4 address of every interface of this machine (one value per address).
    ///
    /// - Throws: ``NetworkError/system(_:code:message:)`` when the system cannot list its interfaces.
    public static func ipv4() throws(NetworkError) -> [NetworkInterface] {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { throw .fromErrno(.queryAddress) }
        defer { freeifaddrs(list) }
        var interfaces: [NetworkInterface] = []
        var next = list
        while let entry = next?.pointee {
            next = entry.ifa_next
            guard let address = ipv4Address(entry.ifa_addr) else { continue }
            let flags = Int32(bitPattern: entry.ifa_flags)
            let canBroadcast = flags & Int32(IFF_BROADCAST) != 0
            interfaces.append(
                NetworkInterface(
                    name: String(cString: entry.ifa_name), address: address,
                    broadcastAddress: canBroadcast ? ipv4Address(broadcastSocketAddress(entry)) : nil,
                    isUp: flags & Int32(IFF_UP) != 0 && flags & Int32(IFF_RUNNING) != 0,
                    isLoopback: flags & Int32(IFF_LOOPBACK) != 0,
                    supportsMulticast: flags & Int32(IFF_MULTICAST) != 0))
        }
        return interfaces
    }

    private static func broadcastSocketAddress(_ entry: ifaddrs) -> UnsafeMutablePointer<sockaddr>? {
        #if canImport(Glibc)
            entry.ifa_ifu.ifu_broadaddr
        #else
            entry.ifa_dstaddr
        #endif
    }

    private static func ipv4Address(_ address: UnsafeMutablePointer<sockaddr>?) -> IPAddress? {
        guard let address, address.pointee.sa_family == sa_family_t(AF_INET) else { return nil }
        let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
            withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
        }
        return IPAddress(networkOrder: bytes)
    }
}
