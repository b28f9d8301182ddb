import SBWire

/// One end of an in-memory connection: frames go out on one ``FramePipe`` and come in on another,
/// as values, without encoding. Sizes are counted as encoded, so statistics match TCP's.
final class InMemoryFrameChannel: FrameChannel {
    let localAddress: SocketAddress
    let remoteAddress: SocketAddress
    private let outgoing: FramePipe
    private let incoming: FramePipe
    private let statistics: StatisticsRecorder

    init(
        localAddress: SocketAddress, remoteAddress: SocketAddress, outgoing: FramePipe, incoming: FramePipe,
        statistics: StatisticsRecorder
    ) {
        self.statistics = statistics
        self.localAddress = localAddress
        self.remoteAddress = remoteAddress
        self.outgoing = outgoing
        self.incoming = incoming
    }

    func send(_ frame: Frame, deadline: ContinuousClock.Instant?) async throws {
        try await outgoing.send(frame, deadline: deadline)
        statistics.record { $0.bytesSent += frame.encodedByteCount }
    }

    func receive(deadline: ContinuousClock.Instant?) async throws -> Frame? {
        let frame = try await incoming.receive(deadline: deadline)
        if let frame { statistics.record { $0.bytesReceived += frame.encodedByteCount } }
        return frame
    }

    /// Nothing is lost in flight in memory, so both kinds of close are the same: frames already sent
    /// still arrive, and the peer's later sends fail.
    func close(gracefully: Bool) async {
        outgoing.finish()
        incoming.abandon()
    }
}
