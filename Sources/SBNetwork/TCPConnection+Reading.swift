import CSBShims

extension TCPConnection {
    /// Reads what has arrived, up to `maxCount` bytes, waiting until at least one byte is there.
    ///
    /// Each call allocates `maxCount` bytes, so choose it near the amount expected (64 KiB suits streaming).
    ///
    /// - Parameters:
    ///   - maxCount: The most bytes to return; a positive number.
    ///   - timeout: How long to wait for the first byte; `nil` waits indefinitely.
    /// - Returns: Between 1 and `maxCount` bytes, or an empty array once the peer has finished
    ///   sending (closed or half-closed its side) and every byte has been read.
    /// - Throws: ``NetworkError/timedOut(_:)``, ``NetworkError/connectionReset``,
    ///   ``NetworkError/closed``, another ``NetworkError``, or `CancellationError`.
    public func read(upTo maxCount: Int, timeout: Duration? = nil) async throws -> [UInt8] {
        precondition(maxCount > 0, "read(upTo:) needs a positive count")
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await socket.exclusively(.readable, .read) {
            while true {
                var received: Int?
                let bytes = try [UInt8](unsafeUninitializedCapacity: maxCount) { buffer, initialized in
                    received = try receive(into: UnsafeMutableRawBufferPointer(buffer))
                    initialized = received ?? 0
                }
                if received != nil { return bytes }
                try await waitUntilReadable(awaiting: 1, deadline: deadline)
            }
        }
    }

    /// Reads exactly `count` bytes, waiting for as many segments as that takes.
    ///
    /// - Parameters:
    ///   - count: The number of bytes to read.
    ///   - timeout: The time limit for the whole read; `nil` waits indefinitely.
    /// - Throws: ``NetworkError/closedByPeer`` when the peer stops sending first,
    ///   ``NetworkError/timedOut(_:)``, ``NetworkError/connectionReset``, ``NetworkError/closed``,
    ///   another ``NetworkError``, or `CancellationError`. Bytes read before the error are lost.
    public func read(exactly count: Int, timeout: Duration? = nil) async throws -> [UInt8] {
        precondition(count >= 0, "read(exactly:) needs a non-negative count")
        let deadline = timeout.map { ContinuousClock.now + $0 }
        return try await socket.exclusively(.readable, .read) {
            // Filled in place, so a large read costs one allocation and no copies.
            var bytes = [UInt8](repeating: 0, count: count)
            var filled = 0
            while filled < count {
                let received = try bytes.withUnsafeMutableBytes { buffer throws(NetworkError) in
                    try receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
                }
                switch received {
                case 0?: throw NetworkError.closedByPeer
                case let received?: filled += received
                case nil: try await waitUntilReadable(awaiting: count - filled, deadline: deadline)
                }
            }
            return bytes
        }
    }

    /// Suspends until `count` more bytes have arrived (at most ``maxLowWater`` are waited for), the
    /// stream ends or fails, or the deadline passes.
    ///
    /// Without a low-water mark the system reports every arriving segment, and each report costs the
    /// event loop a wake-up and often this task a resumption (about 550 for a 100 MB model on loopback); a reader
    /// that knows how much it needs is woken once.
    func waitUntilReadable(awaiting count: Int, deadline: ContinuousClock.Instant?) async throws {
        let lowWater = min(max(count, 1), Self.maxLowWater)
        if receiveLowWater.load(ordering: .relaxed) != lowWater {
            _ = try socket.perform(.setOption) { Int(sb_set_receive_low_water($0, Int32(lowWater))) }
            receiveLowWater.store(lowWater, ordering: .relaxed)
        }
        try await socket.wait(for: .readable, deadline: deadline, .read)
    }

    /// The highest low-water mark set: a reader waiting for a whole 1 MiB frame is woken halfway, so
    /// that it copies and checksums the first half while the rest arrives.
    static let maxLowWater = 512 * 1024

    /// One non-blocking receive: the byte count (0 at end of stream), or `nil` when nothing has arrived.
    private func receive(into buffer: UnsafeMutableRawBufferPointer) throws(NetworkError) -> Int? {
        try socket.perform(.read) { sb_receive($0, buffer.baseAddress, buffer.count) }
    }
}
