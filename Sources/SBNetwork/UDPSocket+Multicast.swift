import CSBShims

extension UDPSocket {
    /// Starts receiving datagrams sent to an IPv4 multicast group, through one interface.
    ///
    /// - Parameters:
    ///   - group: The group, in 224.0.0.0/4 (239.0.0.0/8 is for organisation-local use).
    ///   - interface: An IPv4 address of the interface to listen on: 127.0.0.1 confines discovery
    ///     to this machine, a LAN address reaches that network.
    /// - Throws: A ``NetworkError`` when the system refuses (for example, `interface` is not local).
    public func joinMulticastGroup(_ group: IPAddress, interface: IPAddress) throws(NetworkError) {
        try changeMembership(group, interface: interface, join: true)
    }

    /// Stops receiving a group joined with ``joinMulticastGroup(_:interface:)``.
    public func leaveMulticastGroup(_ group: IPAddress, interface: IPAddress) throws(NetworkError) {
        try changeMembership(group, interface: interface, join: false)
    }

    private func changeMembership(_ group: IPAddress, interface: IPAddress, join: Bool) throws(NetworkError) {
        var rawGroup = group.raw
        var rawInterface = interface.raw
        _ = try socket.perform(.setOption) {
            Int(sb_multicast_v4_membership($0, &rawGroup, &rawInterface, join ? 1 : 0))
        }
    }

    /// Chooses how multicast datagrams this socket sends leave the machine.
    ///
    /// - Parameters:
    ///   - interface: An IPv4 address of the outgoing interface; 127.0.0.1 keeps datagrams on this machine.
    ///   - loopback: Whether listeners on this machine (this socket included) receive a copy.
    ///   - timeToLive: How many routers a datagram may cross; 1 keeps it on the local network.
    /// - Throws: A ``NetworkError`` when the system refuses (for example, `interface` is not local).
    public func setMulticastSending(interface: IPAddress, loopback: Bool = true, timeToLive: Int = 1)
        throws(NetworkError)
    {
        var rawInterface = interface.raw
        _ = try socket.perform(.setOption) {
            Int(sb_multicast_v4_sending($0, &rawInterface, loopback ? 1 : 0, Int32(clamping: timeToLive)))
        }
    }
}
