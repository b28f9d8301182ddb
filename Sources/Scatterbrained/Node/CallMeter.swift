/// What a `train` or `coordinate` call's report measures from the call's start: the time, the node's
/// transport traffic and the namespace's pushes. Taken when the call starts, read when it ends.
struct CallMeter {
    private let start = ContinuousClock.now
    private let runtime: NodeRuntime
    private let board: ModelBoard
    private let traffic: TransportStatistics?
    private let pushes: PushStatistics

    init(runtime: NodeRuntime, board: ModelBoard) {
        self.runtime = runtime
        self.board = board
        traffic = runtime.transport?.statistics
        pushes = board.pushes.statistics
    }

    /// The time since the call started.
    var elapsed: Duration { .now - start }

    /// The bytes the node's transport sent and received since the call started.
    var trafficSinceStart: (sent: Int, received: Int) {
        let now = runtime.transport?.statistics
        return (
            (now?.bytesSent ?? 0) - (traffic?.bytesSent ?? 0),
            (now?.bytesReceived ?? 0) - (traffic?.bytesReceived ?? 0)
        )
    }

    /// What became of the namespace's pushes since the call started.
    var pushesSinceStart: PushStatistics { board.pushes.statistics.since(pushes) }
}

extension Namespace {
    /// A meter for a call starting now.
    nonisolated func startMeter() -> CallMeter { CallMeter(runtime: runtime, board: board) }
}
