#if os(Linux)
    import CSBShims
    import Glibc

    /// The Linux event queue: an epoll set of one-shot registrations, woken through an eventfd.
    struct EpollQueue: EventQueue {
        static let wakeToken: UInt64 = 0

        private let epoll: Int32
        private let wakeup: Int32

        init() throws(NetworkError) {
            epoll = sb_epoll_create()
            guard epoll >= 0 else { throw .fromErrno(.startEventLoop) }
            wakeup = sb_eventfd_create()
            guard wakeup >= 0, sb_epoll_add_wakeup(epoll, wakeup, Self.wakeToken) == 0 else {
                let error = NetworkError.fromErrno(.startEventLoop)
                if wakeup >= 0 { Glibc.close(wakeup) }
                Glibc.close(epoll)
                throw error
            }
        }

        func add(_ descriptor: Int32, token: UInt64) throws(NetworkError) {
            guard sb_epoll_add(epoll, descriptor, token) == 0 else { throw .fromErrno(.watch) }
        }

        func arm(_ descriptor: Int32, token: UInt64, readable: Bool, writable: Bool) throws(NetworkError) {
            guard sb_epoll_arm(epoll, descriptor, token, readable ? 1 : 0, writable ? 1 : 0) == 0 else {
                throw .fromErrno(.watch)
            }
        }

        func remove(_ descriptor: Int32) {
            _ = sb_epoll_remove(epoll, descriptor)
        }

        func poll(timeout: Duration?, into events: inout [ReadinessEvent]) {
            events.removeAll(keepingCapacity: true)
            let capacity: Int32 = 256
            withUnsafeTemporaryAllocation(of: sb_event.self, capacity: Int(capacity)) { buffer in
                let count = sb_epoll_wait(epoll, buffer.baseAddress!, capacity, timeout?.roundedUpMilliseconds ?? -1)
                // EINTR (a signal) is the only failure of a valid epoll set; the loop simply polls again.
                precondition(count >= 0 || errno == EINTR, "epoll_wait failed: \(String(cString: strerror(errno)))")
                for event in buffer.prefix(Int(max(count, 0))) {
                    if event.token == Self.wakeToken {
                        sb_eventfd_drain(wakeup)
                    } else {
                        events.append(
                            ReadinessEvent(
                                token: event.token, readable: event.readable != 0, writable: event.writable != 0))
                    }
                }
            }
        }

        func wake() {
            _ = sb_eventfd_signal(wakeup)
        }

        func close() {
            Glibc.close(wakeup)
            Glibc.close(epoll)
        }
    }

    /// The queue this platform's event loops use.
    typealias PlatformEventQueue = EpollQueue
#endif
