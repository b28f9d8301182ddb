#if canImport(Darwin)
    import Darwin

    /// The Apple-platform event queue: a kqueue with one-shot (`EV_DISPATCH`) read and write
    /// filters, woken through an `EVFILT_USER` event.
    ///
    /// Compiled only on Apple platforms; it mirrors ``EpollQueue`` call for call.
    struct KqueueQueue: EventQueue {
        static let wakeToken: UInt64 = 0

        private let queue: Int32

        init() throws(NetworkError) {
            queue = kqueue()
            guard queue >= 0 else { throw .fromErrno(.startEventLoop) }
            var wake = Self.change(ident: 0, filter: EVFILT_USER, flags: EV_ADD | EV_CLEAR, token: Self.wakeToken)
            guard kevent(queue, &wake, 1, nil, 0, nil) == 0 else {
                let error = NetworkError.fromErrno(.startEventLoop)
                Darwin.close(queue)
                throw error
            }
        }

        private static func change(ident: UInt, filter: Int32, flags: Int32, token: UInt64, fflags: UInt32 = 0)
            -> kevent
        {
            kevent(
                ident: ident, filter: Int16(filter), flags: UInt16(flags), fflags: fflags, data: 0,
                udata: UnsafeMutableRawPointer(bitPattern: UInt(token)))
        }

        func add(_ descriptor: Int32, token: UInt64) throws(NetworkError) {
            // Level-triggered filters that EV_DISPATCH disables after each report, registered disabled.
            let flags = EV_ADD | EV_DISPATCH | EV_DISABLE
            var changes = [
                Self.change(ident: UInt(descriptor), filter: EVFILT_READ, flags: flags, token: token),
                Self.change(ident: UInt(descriptor), filter: EVFILT_WRITE, flags: flags, token: token),
            ]
            guard kevent(queue, &changes, 2, nil, 0, nil) == 0 else { throw .fromErrno(.watch) }
        }

        func arm(_ descriptor: Int32, token: UInt64, readable: Bool, writable: Bool) throws(NetworkError) {
            let filters = [(EVFILT_READ, readable), (EVFILT_WRITE, writable)]
            var changes = filters.map { filter, wanted in
                Self.change(
                    ident: UInt(descriptor), filter: filter, flags: wanted ? EV_ENABLE | EV_DISPATCH : EV_DISABLE,
                    token: token)
            }
            guard kevent(queue, &changes, Int32(changes.count), nil, 0, nil) == 0 else { throw .fromErrno(.watch) }
        }

        func remove(_ descriptor: Int32) {
            for filter in [EVFILT_READ, EVFILT_WRITE] {
                var change = Self.change(ident: UInt(descriptor), filter: filter, flags: EV_DELETE, token: 0)
                _ = kevent(queue, &change, 1, nil, 0, nil)
            }
        }

        func poll(timeout: Duration?, into events: inout [ReadinessEvent]) {
            events.removeAll(keepingCapacity: true)
            withUnsafeTemporaryAllocation(of: kevent.self, capacity: 256) { buffer in
                let count: Int32
                if let timeout {
                    let (seconds, attoseconds) = timeout.components
                    var limit = timespec(
                        tv_sec: Int(max(seconds, 0)), tv_nsec: Int(max(attoseconds, 0) / 1_000_000_000))
                    count = kevent(queue, nil, 0, buffer.baseAddress!, Int32(buffer.count), &limit)
                } else {
                    count = kevent(queue, nil, 0, buffer.baseAddress!, Int32(buffer.count), nil)
                }
                precondition(count >= 0 || errno == EINTR, "kevent failed: \(String(cString: strerror(errno)))")
                for event in buffer.prefix(Int(max(count, 0))) where event.filter != Int16(EVFILT_USER) {
                    let failed = event.flags & UInt16(EV_ERROR) != 0
                    events.append(
                        ReadinessEvent(
                            token: UInt64(UInt(bitPattern: event.udata)),
                            readable: failed || event.filter == Int16(EVFILT_READ),
                            writable: failed || event.filter == Int16(EVFILT_WRITE)))
                }
            }
        }

        func wake() {
            var trigger = Self.change(
                ident: 0, filter: EVFILT_USER, flags: 0, token: Self.wakeToken, fflags: UInt32(NOTE_TRIGGER))
            _ = kevent(queue, &trigger, 1, nil, 0, nil)
        }

        func close() {
            Darwin.close(queue)
        }
    }

    /// The queue this platform's event loops use.
    typealias PlatformEventQueue = KqueueQueue
#endif
