import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plain blocking IPv4 TCP socket on 127.0.0.1, for the raw-throughput ceiling: no event loop,
/// no framing, as little between the caller and the kernel as possible.
struct RawSocket: Sendable {
    let descriptor: Int32
    let port: UInt16

    /// A listening socket on 127.0.0.1 and a port the system picks.
    static func listening() throws -> RawSocket {
        let descriptor = try open()
        var address = loopback(port: 0)
        try check(withSockaddr(&address) { bind(descriptor, $0, $1) }, "bind")
        try check(listen(descriptor, 1), "listen")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try check(
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }, "getsockname")
        return RawSocket(descriptor: descriptor, port: UInt16(bigEndian: address.sin_port))
    }

    static func connected(port: UInt16) throws -> RawSocket {
        let descriptor = try open()
        var address = loopback(port: port)
        try check(withSockaddr(&address) { connect(descriptor, $0, $1) }, "connect")
        return RawSocket(descriptor: descriptor, port: port)
    }

    func accepted() throws -> RawSocket {
        let connection = accept(descriptor, nil, nil)
        try Self.check(connection, "accept")
        return RawSocket(descriptor: connection, port: port)
    }

    func sendAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, 0)
            try Self.check(Int32(clamping: sent), "send")
            offset += sent
        }
    }

    /// Reads what has arrived into `buffer`, waiting for at least one byte; 0 at end of stream.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let received = recv(descriptor, buffer.baseAddress, buffer.count, 0)
        try Self.check(Int32(clamping: received), "recv")
        return received
    }

    /// Fills `buffer`, waiting for as many segments as that takes.
    func receiveAll(into buffer: UnsafeMutableRawBufferPointer) throws {
        var offset = 0
        while offset < buffer.count {
            let received = try receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            guard received > 0 else { throw BenchmarkError.setup("peer closed before acknowledging") }
            offset += received
        }
    }

    func closeSocket() {
        _ = close(descriptor)
    }

    private static func open() throws -> Int32 {
        #if canImport(Glibc)
            let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
            let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        try check(descriptor, "socket")
        return descriptor
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private static func withSockaddr(
        _ address: inout sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32
    )
        -> Int32
    {
        withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
    }

    private static func check(_ result: Int32, _ call: String) throws {
        guard result >= 0 else { throw BenchmarkError.socket(call, errno) }
    }
}
