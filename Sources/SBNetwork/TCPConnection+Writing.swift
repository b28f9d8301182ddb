import CSBShims

extension TCPConnection {
    /// Writes all of `bytes`, suspending while the system's send buffer is full.
    ///
    /// Returning means the system has taken the bytes, not that the peer has read them.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to send.
    ///   - timeout: The time limit for the whole write; `nil` waits indefinitely for a slow reader.
    /// - Throws: ``NetworkError/timedOut(_:)`` (some bytes may have been sent),
    ///   ``NetworkError/connectionReset``, ``NetworkError/closed``, another ``NetworkError``,
    ///   or `CancellationError`.
    public func write(_ bytes: [UInt8], timeout: Duration? = nil) async throws {
        try await write([bytes[...]], deadline: timeout.map { ContinuousClock.now + $0 })
    }

    /// Writes `parts` one after the other, suspending while the system's send buffer is full: sends
    /// a frame whose payload is a view of a model's storage without first copying it into one array.
    ///
    /// - Throws: ``NetworkError/timedOut(_:)`` (some bytes may have been sent), another
    ///   ``NetworkError``, or `CancellationError`.
    func write(_ parts: [ArraySlice<UInt8>], deadline: ContinuousClock.Instant?) async throws {
        try await socket.exclusively(.writable, .write) {
            for part in parts {
                var offset = 0
                while offset < part.count {
                    let sent = try part.withUnsafeBytes { buffer throws(NetworkError) in
                        let rest = UnsafeRawBufferPointer(rebasing: buffer[offset...])
                        return try socket.perform(.write) { sb_send($0, rest.baseAddress, rest.count) }
                    }
                    if let sent {
                        offset += sent
                    } else {
                        try await socket.wait(for: .writable, deadline: deadline, .write)
                    }
                }
            }
        }
    }

    /// Finishes this side's sending: the peer reads end-of-stream after the bytes already written,
    /// while this side can still read what the peer sends.
    ///
    /// - Throws: ``NetworkError/closed`` or another ``NetworkError``.
    public func shutdownWrite() throws(NetworkError) {
        _ = try socket.perform(.write) { Int(sb_shutdown_write($0)) }
    }

    /// Closes without losing data in either direction: finishes sending, reads and discards what the
    /// peer still sends until it closes too (or `timeout` passes), then closes.
    ///
    /// Closing while unread bytes sit in the receive buffer would make the system reset the
    /// connection, and the peer could lose the last bytes written to it.
    ///
    /// - Parameter timeout: How long to wait for the peer to finish.
    public func closeGracefully(timeout: Duration = .seconds(5)) async {
        defer { close() }
        let deadline = ContinuousClock.now + timeout
        do {
            try shutdownWrite()
            while !(try await read(upTo: 65_536, timeout: ContinuousClock.now.duration(to: deadline)).isEmpty) {}
        } catch {
            // Whatever went wrong, the connection is being closed anyway, which is all the caller asked for.
        }
    }
}
