import SBNetwork
import Testing

@Suite("UDP", .timeLimit(.minutes(1)))
struct UDPTests {
    @Test("A unicast datagram on loopback arrives with its sender's address")
    func unicast() async throws {
        let (receiver, sender) = try LoopbackPair.open()
        defer { LoopbackPair.close(receiver, sender) }
        try await sender.send(Array("hello".utf8), to: receiver.localAddress, timeout: patience)
        let datagram = try await receiver.receive(timeout: patience)
        #expect(datagram.bytes == Array("hello".utf8))
        #expect(datagram.sender == sender.localAddress)
        try await receiver.send(Array("back".utf8), to: datagram.sender, timeout: patience)
        #expect(try await sender.receive(timeout: patience).bytes == Array("back".utf8))
    }

    @Test("A datagram read late carries the time it arrived, and one sent without waiting arrives too")
    func arrivalTime() async throws {
        let (receiver, sender) = try LoopbackPair.open()
        defer { LoopbackPair.close(receiver, sender) }
        let sent = ContinuousClock.now
        #expect(try sender.sendWithoutWaiting(Array("early".utf8), to: receiver.localAddress))
        try await Task.sleep(for: .milliseconds(300))
        let datagram = try await receiver.receive(timeout: patience)
        let read = ContinuousClock.now
        #expect(datagram.bytes == Array("early".utf8))
        // Stamped by the kernel on arrival, just after the send: not when it was read, 300 ms or more later.
        #expect(datagram.arrival >= sent - .milliseconds(5))
        #expect(read - datagram.arrival >= .milliseconds(250), "arrived \(read - datagram.arrival) before it was read")
    }

    @Test("Two sockets sharing a port both receive a multicast datagram sent through loopback")
    func loopbackMulticast() async throws {
        // Confined to this machine: the group is joined on 127.0.0.1 and sent through it.
        let group = try IPAddress(parsing: "239.255.77.\(Int.random(in: 1...254))")
        let first = try UDPSocket.bind(to: SocketAddress(ip: .anyIPv4, port: 0), reusePort: true)
        let port = first.localAddress.port
        let second = try UDPSocket.bind(to: SocketAddress(ip: .anyIPv4, port: port), reusePort: true)
        let sender = try UDPSocket.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0))
        defer {
            for socket in [first, second, sender] { socket.close() }
        }
        for listener in [first, second] {
            try listener.joinMulticastGroup(group, interface: .loopbackIPv4)
        }
        try sender.setMulticastSending(interface: .loopbackIPv4, loopback: true, timeToLive: 1)
        let message = Array("announce \(port)".utf8)
        try await sender.send(message, to: SocketAddress(ip: group, port: port), timeout: patience)
        for listener in [first, second] {
            let datagram = try await listener.receive(timeout: patience)
            #expect(datagram.bytes == message)
            #expect(datagram.sender == sender.localAddress)
        }
        try first.leaveMulticastGroup(group, interface: .loopbackIPv4)
    }

    @Test("A port bound without reusePort cannot be shared")
    func exclusivePort() throws {
        let socket = try UDPSocket.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0))
        defer { socket.close() }
        #expect(throws: NetworkError.addressInUse(socket.localAddress)) {
            try UDPSocket.bind(to: socket.localAddress, reusePort: true)
        }
    }

    @Test("receive times out when nothing arrives")
    func receiveTimeout() async throws {
        let socket = try UDPSocket.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0))
        defer { socket.close() }
        await expectNetworkError(.timedOut(.receive)) { try await socket.receive(timeout: .milliseconds(100)) }
    }
}

/// Two sockets on 127.0.0.1, one to receive and one to send.
private enum LoopbackPair {
    static func open() throws -> (receiver: UDPSocket, sender: UDPSocket) {
        let receiver = try UDPSocket.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0))
        do {
            return (receiver, try UDPSocket.bind(to: SocketAddress(ip: .loopbackIPv4, port: 0)))
        } catch {
            receiver.close()
            throw error
        }
    }

    static func close(_ sockets: UDPSocket...) {
        for socket in sockets { socket.close() }
    }
}
