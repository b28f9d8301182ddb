import SBWire

extension FramedPeerConnection {
    /// Runs the handshake on a fresh channel and returns the open connection, or closes the channel,
    /// counts the failure and throws.
    ///
    /// - Throws: ``TransportError`` naming why the handshake failed; ``TransportError/network(_:)`` with
    ///   ``NetworkError/timedOut(_:)`` when it took longer than ``TransportConfiguration/handshakeTimeout``.
    static func establish(
        over channel: any FrameChannel, role: SessionHandshake.Role, localHello: Hello,
        configuration: TransportConfiguration, statistics: StatisticsRecorder
    ) async throws -> FramedPeerConnection {
        let deadline = ContinuousClock.now + configuration.handshakeTimeout
        var handshake = ConnectionHandshake(role: role, localHello: localHello, key: configuration.namespaceKey)
        var notified = false
        do {
            try await channel.send(try handshakeFrame(handshake.opening), deadline: deadline)
            while true {
                guard let frame = try await channel.receive(deadline: deadline) else {
                    throw TransportError.network(.closedByPeer)
                }
                let message: Message
                do {
                    message = try Message(frame: frame)
                } catch {
                    throw TransportError.malformedData(error)
                }
                for action in handshake.receive(message) {
                    switch action {
                    case .send(let reply):
                        try await channel.send(try handshakeFrame(reply), deadline: deadline)
                    case .established(let remoteHello, let version, let authenticator):
                        statistics.record { $0.handshakesCompleted += 1 }
                        return FramedPeerConnection(
                            channel: channel, remoteHello: remoteHello, version: version,
                            authenticator: authenticator, configuration: configuration, statistics: statistics)
                    case .fail(let error, let notice):
                        if let notice {
                            // Best effort: the peer learns why, unless it is already gone.
                            try? await channel.send(try handshakeFrame(.error(notice)), deadline: deadline)
                            notified = true
                        }
                        throw error
                    }
                }
            }
        } catch {
            statistics.record { counts in
                counts.rejectedHandshakes += 1
                switch error as? TransportError {
                case .malformedData?: counts.malformedFrames += 1
                case .authenticationFailed?, .peerNotAuthenticated?: counts.authenticationFailures += 1
                case .network(.timedOut)?: counts.handshakeTimeouts += 1
                default: break
                }
            }
            // After an error message, close gracefully: an abrupt close could reset the connection before
            // the peer reads why.
            await channel.close(gracefully: notified)
            throw error
        }
    }

    private static func handshakeFrame(_ message: Message) throws(TransportError) -> Frame {
        do throws(WireError) {
            return try message.frame(version: ConnectionHandshake.frameVersion)
        } catch {
            throw .unsendable(error)
        }
    }
}
