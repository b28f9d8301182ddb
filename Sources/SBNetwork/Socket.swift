import CSBShims
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open non-blocking descriptor registered with an event loop: the part every socket type shares.
///
/// `close()` may race with calls on other tasks, so the descriptor number is released to the
/// system only once no call is using it: otherwise a concurrent call could act on an unrelated
/// file that reused the number.
final class Socket: Sendable {
    let loop: EventLoop
    private let descriptor: Int32
    private let token: UInt64
    private let state = Mutex(State())

    private struct State {
        var isClosed = false
        var callsInFlight = 0
        var isReading = false
        var isWriting = false
    }

    /// Takes ownership of an open non-blocking descriptor, closing it if it cannot be registered.
    init(descriptor: Int32, loop: EventLoop) throws(NetworkError) {
        do {
            token = try loop.register(descriptor)
        } catch {
            _ = systemClose(descriptor)
            throw error
        }
        self.descriptor = descriptor
        self.loop = loop
    }

    /// Opens a non-blocking socket of the address's family.
    static func open(for address: SocketAddress, datagram: Bool, loop: EventLoop) throws(NetworkError) -> Socket {
        let descriptor = sb_socket_open(address.raw.family, datagram ? 1 : 0)
        guard descriptor >= 0 else { throw .fromErrno(.openSocket) }
        return try Socket(descriptor: descriptor, loop: loop)
    }

    deinit {
        close()
    }

    /// Runs one system call on the descriptor, retrying on EINTR.
    ///
    /// - Returns: The call's non-negative result, or `nil` when it would block.
    /// - Throws: ``NetworkError/closed`` once closed, else the error for the call's `errno`.
    func perform(_ operation: NetworkError.Operation, address: SocketAddress? = nil, _ call: (Int32) -> Int)
        throws(NetworkError) -> Int?
    {
        try state.withLock { state throws(NetworkError) in
            guard !state.isClosed else { throw .closed }
            state.callsInFlight += 1
        }
        defer { endCall() }
        while true {
            let result = call(descriptor)
            if result >= 0 { return result }
            let code = errno
            switch code {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default: throw .from(errno: code, operation, address: address)
            }
        }
    }

    private func endCall() {
        let release = state.withLock { state in
            state.callsInFlight -= 1
            return state.isClosed && state.callsInFlight == 0
        }
        if release { _ = systemClose(descriptor) }
    }

    /// Suspends until the socket may be ready for `interest`; callers then retry their call.
    ///
    /// - Throws: `CancellationError`, or ``NetworkError/timedOut(_:)`` (naming `operation`),
    ///   ``NetworkError/closed`` or ``NetworkError/eventLoopShutDown``.
    func wait(for interest: EventLoop.Interest, deadline: ContinuousClock.Instant?, _ operation: NetworkError.Operation)
        async throws
    {
        switch await loop.wait(for: interest, token: token, deadline: deadline) {
        case .ready: return
        case .timedOut: throw NetworkError.timedOut(operation)
        case .closed: throw NetworkError.closed
        case .shutDown: throw NetworkError.eventLoopShutDown
        case .cancelled: throw CancellationError()
        }
    }

    /// Runs `body` as the only reader (or writer) of this socket: bytes of overlapping reads or
    /// writes would interleave unpredictably, so a second one fails fast instead.
    func exclusively<Result>(
        _ interest: EventLoop.Interest, _ operation: NetworkError.Operation, _ body: () async throws -> Result
    ) async throws -> Result {
        try state.withLock { state throws(NetworkError) in
            let busy = interest == .readable ? state.isReading : state.isWriting
            guard !busy else { throw .concurrentOperation(operation) }
            if interest == .readable { state.isReading = true } else { state.isWriting = true }
        }
        defer {
            state.withLock { state in
                if interest == .readable { state.isReading = false } else { state.isWriting = false }
            }
        }
        return try await body()
    }

    /// The address the socket is bound to.
    func localAddress() throws(NetworkError) -> SocketAddress {
        var raw = sb_address()
        _ = try perform(.queryAddress) { Int(sb_local_address($0, &raw)) }
        return SocketAddress(raw: raw)
    }

    /// Closes the socket: pending and later calls fail with ``NetworkError/closed``. Idempotent.
    func close() {
        let first = state.withLock { state in
            guard !state.isClosed else { return false }
            state.isClosed = true
            // Deregistering uses the descriptor, so it counts as a call in flight.
            state.callsInFlight += 1
            return true
        }
        guard first else { return }
        loop.deregister(descriptor, token: token)
        endCall()
    }
}

private func systemClose(_ descriptor: Int32) -> Int32 {
    #if canImport(Glibc)
        Glibc.close(descriptor)
    #else
        Darwin.close(descriptor)
    #endif
}
