import SBWire
import Synchronization

/// The one implementation of ``PeerConnection``, over any ``FrameChannel``: it tags and checks
/// frames, splits and reassembles chunked messages, and counts what passes.
final class FramedPeerConnection: PeerConnection {
    let remoteHello: Hello
    let protocolVersion: UInt8
    let isAuthenticated: Bool
    var remoteAddress: SocketAddress { channel.remoteAddress }
    var localAddress: SocketAddress { channel.localAddress }
    var isOpen: Bool { open.load(ordering: .acquiring) }

    private struct SendState {
        /// Seals outgoing frames; a copy of the session's authenticator whose receive half is unused.
        var authenticator: FrameAuthenticator?
        var nextTransferID: UInt64 = 0
    }

    private struct ReceiveState {
        /// Opens incoming frames; a copy of the session's authenticator whose send half is unused.
        var authenticator: FrameAuthenticator?
        var assembler: ChunkAssembler
    }

    /// The largest frame payload this side sends, below the peer's limit: a 1 MiB chunk stays in the
    /// CPU cache between its checksum and its copy into the reassembly buffer, where a 16 MiB one
    /// would be fetched from memory twice.
    private static let chunkFramePayload = 1 << 20

    private let channel: any FrameChannel
    private let maxFramePayload: Int
    private let statistics: StatisticsRecorder
    private let open = Atomic(true)
    private let sendTurn = AsyncLock()
    private let receiveTurn = AsyncLock()
    // Touched only by the task holding the matching turn; the mutexes make that visible to the compiler.
    private let sendState: Mutex<SendState>
    private let receiveState: Mutex<ReceiveState>

    init(
        channel: any FrameChannel, remoteHello: Hello, version: UInt8, authenticator: FrameAuthenticator?,
        configuration: TransportConfiguration, statistics: StatisticsRecorder
    ) {
        self.channel = channel
        self.remoteHello = remoteHello
        protocolVersion = version
        isAuthenticated = authenticator != nil
        maxFramePayload = configuration.maxFramePayload
        self.statistics = statistics
        sendState = Mutex(SendState(authenticator: authenticator))
        receiveState = Mutex(
            ReceiveState(
                authenticator: authenticator, assembler: ChunkAssembler(maxTransferSize: configuration.maxMessageSize)))
    }

    func send(_ message: Message, timeout: Duration?) async throws {
        let deadline = deadline(after: timeout)
        try await sendTurn.withLock {
            guard isOpen else { throw TransportError.network(.closed) }
            let transferID = sendState.withLock { state in
                defer { state.nextTransferID &+= 1 }
                return state.nextTransferID
            }
            let frames: ChunkedFrames
            do throws(WireError) {
                frames = try message.frames(
                    transferID: transferID, maxPayloadSize: min(maxFramePayload, Self.chunkFramePayload),
                    version: protocolVersion)
            } catch {
                throw TransportError.unsendable(error)
            }
            do {
                for frame in frames {
                    try await channel.send(try seal(frame), deadline: deadline)
                }
            } catch {
                // A message cut short leaves the stream unusable: the peer would wait for its remaining chunks.
                await shutDown()
                throw error
            }
            statistics.record { $0.messagesSent += 1 }
        }
    }

    func receive(timeout: Duration?) async throws -> Message {
        let deadline = deadline(after: timeout)
        return try await receiveTurn.withLock {
            do {
                while true {
                    guard let frame = try await channel.receive(deadline: deadline) else {
                        throw TransportError.network(.closedByPeer)
                    }
                    if let message = try accept(frame) {
                        statistics.record { $0.messagesReceived += 1 }
                        return message
                    }
                }
            } catch let error as TransportError {
                switch error {
                case .malformedData: statistics.record { $0.malformedFrames += 1 }
                case .authenticationFailed: statistics.record { $0.authenticationFailures += 1 }
                case .network(.timedOut):
                    // A timed-out receive leaves the stream intact; the caller may try again.
                    throw error
                default: break
                }
                await shutDown()
                throw error
            }
        }
    }

    func close() async {
        guard open.exchange(false, ordering: .acquiringAndReleasing) else { return }
        await channel.close(gracefully: true)
    }

    /// Closes at once after a failure that leaves the stream unusable.
    private func shutDown() async {
        guard open.exchange(false, ordering: .acquiringAndReleasing) else { return }
        await channel.close(gracefully: false)
    }

    private func seal(_ frame: Frame) throws(TransportError) -> Frame {
        try sendState.withLock { state throws(TransportError) in
            guard var authenticator = state.authenticator else { return frame }
            defer { state.authenticator = authenticator }
            do throws(AuthenticationError) {
                return try authenticator.seal(frame)
            } catch {
                throw .authenticationFailed(error)
            }
        }
    }

    /// Checks a frame and decodes it: the message it completes, or nil for a chunk of an unfinished one.
    private func accept(_ frame: Frame) throws(TransportError) -> Message? {
        try receiveState.withLock { state throws(TransportError) in
            var opened = frame
            if var authenticator = state.authenticator {
                do throws(AuthenticationError) {
                    opened = try authenticator.open(frame)
                } catch {
                    throw .authenticationFailed(error)
                }
                state.authenticator = authenticator
            }
            do throws(WireError) {
                let message = try Message(frame: opened)
                guard case .chunk(let chunk) = message else { return message }
                return try state.assembler.receive(chunk)
            } catch {
                throw .malformedData(error)
            }
        }
    }
}
