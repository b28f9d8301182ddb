import CSBShims

extension TCPConnection {
    /// Reads once into memory that `lend` provides, waiting until bytes arrive: lets a frame decoder
    /// receive a large payload in place instead of through a fresh array per read.
    ///
    /// - Parameters:
    ///   - count: How many bytes the caller expects before it can make progress, such as the rest of
    ///     a frame; waiting for them is cheaper than being woken for every segment.
    ///   - deadline: When to give up waiting; nil waits indefinitely.
    ///   - lend: Calls its argument with the space to read into and returns what that returned;
    ///     returning nil itself means "nothing to read into", which this passes on as 0.
    /// - Returns: The bytes read; 0 at end of stream.
    /// - Throws: ``NetworkError`` or `CancellationError`.
    func read(
        awaiting count: Int, deadline: ContinuousClock.Instant?,
        into lend: (_ receive: (UnsafeMutableRawBufferPointer) throws(NetworkError) -> Int?) throws(NetworkError) ->
            Int?
    ) async throws -> Int {
        try await socket.exclusively(.readable, .read) {
            while true {
                let received = try lend { space throws(NetworkError) in
                    try socket.perform(.read) { sb_receive($0, space.baseAddress, space.count) }
                }
                if let received { return received }
                try await waitUntilReadable(awaiting: count, deadline: deadline)
            }
        }
    }
}
