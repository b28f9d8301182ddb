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
    /// The parts go to the system together (a gathered send), so small ones such as a frame's header
    /// and trailer do not each cost a call and, with `TCP_NODELAY`, a segment of their own.
    ///
    /// - Throws: ``NetworkError/timedOut(_:)`` (some bytes may have been sent), another
    ///   ``NetworkError``, or `CancellationError`.
    package func write(_ parts: [ArraySlice<UInt8>], deadline: ContinuousClock.Instant?) async throws {
        try await socket.exclusively(.writable, .write) {
            var pending = parts.filter { !$0.isEmpty }[...]
            while !pending.isEmpty {
                var buffers: [sb_buffer] = []
                let sent = try Self.gather(pending.prefix(Int(SB_MAX_SEND_BUFFERS)), into: &buffers) { buffers in
                    try socket.perform(.write) { descriptor in
                        buffers.withUnsafeBufferPointer {
                            sb_send_buffers(descriptor, $0.baseAddress, Int32($0.count))
                        }
                    }
                }
                guard var sent else {
                    try await socket.wait(for: .writable, deadline: deadline, .write)
                    continue
                }
                while sent > 0 {
                    let first = pending[pending.startIndex]
                    if sent >= first.count {
                        pending.removeFirst()
                    } else {
                        pending[pending.startIndex] = first.dropFirst(sent)
                    }
                    sent -= min(sent, first.count)
                }
            }
        }
    }

    /// Calls `body` with the memory of every part, which stays valid only during the call.
    private static func gather<Result>(
        _ parts: ArraySlice<ArraySlice<UInt8>>, into buffers: inout [sb_buffer], _ body: ([sb_buffer]) throws -> Result
    ) rethrows -> Result {
        guard let part = parts.first else { return try body(buffers) }
        return try part.withUnsafeBytes { bytes in
            buffers.append(sb_buffer(bytes: bytes.baseAddress, count: bytes.count))
            return try gather(parts.dropFirst(), into: &buffers, body)
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
