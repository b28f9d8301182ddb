import CSBShims
import Synchronization

/// A TCP connection whose reads and writes suspend the calling task, never a thread.
///
/// One task may read while another writes; two overlapping reads (or writes) fail with
/// ``NetworkError/concurrentOperation(_:)``. Writes apply back-pressure: `write` returns once the
/// system has taken every byte, suspending while its send buffer is full, so memory stays bounded
/// by what callers hold.
///
/// ```swift
/// let connection = try await TCPConnection.connect(to: try SocketAddress(parsing: "127.0.0.1:9000"),
///                                                  timeout: .seconds(5))
/// try await connection.write(Array("hello".utf8))
/// let reply = try await connection.read(exactly: 5, timeout: .seconds(5))
/// await connection.closeGracefully(timeout: .seconds(1))
/// ```
public final class TCPConnection: Sendable {
    /// This end's address.
    public let localAddress: SocketAddress
    /// The peer's address.
    public let remoteAddress: SocketAddress

    let socket: Socket
    /// The socket's current SO_RCVLOWAT, changed only by the one read in progress.
    let receiveLowWater = Atomic(1)

    /// Wraps a connected socket, setting `TCP_NODELAY`: callers hand over whole messages, and
    /// Nagle's algorithm would hold a small one back for up to a round trip.
    init(socket: Socket, remoteAddress: SocketAddress) throws(NetworkError) {
        do throws(NetworkError) {
            _ = try socket.perform(.setOption) { Int(sb_set_tcp_nodelay($0, 1)) }
            localAddress = try socket.localAddress()
        } catch {
            socket.close()
            throw error
        }
        self.socket = socket
        self.remoteAddress = remoteAddress
    }

    /// Connects to a listening peer.
    ///
    /// - Parameters:
    ///   - address: The peer's address.
    ///   - timeout: How long to wait for the peer to answer; `nil` leaves it to the system (minutes).
    ///   - loop: The event loop that serves the connection.
    /// - Returns: The open connection, with `TCP_NODELAY` set.
    /// - Throws: ``NetworkError/connectionRefused(_:)`` (nothing listens there),
    ///   ``NetworkError/timedOut(_:)``, ``NetworkError/unreachable(_:)``, another ``NetworkError``,
    ///   or `CancellationError`.
    public static func connect(to address: SocketAddress, timeout: Duration? = nil, loop: EventLoop = .shared)
        async throws -> TCPConnection
    {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        let socket = try Socket.open(for: address, datagram: false, loop: loop)
        do {
            var raw = address.raw
            // A non-blocking connect finishes in the background; the socket turns writable when it does.
            if try socket.perform(.connect, address: address, { Int(sb_connect($0, &raw)) }) == nil {
                repeat {
                    try await socket.wait(for: .writable, deadline: deadline, .connect)
                } while try socket.perform(.connect, address: address, { Int(sb_connect_result($0)) }) == nil
            }
            return try TCPConnection(socket: socket, remoteAddress: address)
        } catch {
            socket.close()
            throw error
        }
    }

    /// Closes both directions at once. Bytes already written still reach the peer, but bytes the
    /// peer sends from now on make its side see a reset; ``closeGracefully(timeout:)`` avoids that.
    /// Tasks waiting to read or write get ``NetworkError/closed``. Idempotent.
    public func close() {
        socket.close()
    }
}
