import CSBShims

extension TCPConnection {
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
}
