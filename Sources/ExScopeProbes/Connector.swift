#if os(Linux)
import CLinuxEvents
import ExScopeCore
import Foundation
import Glibc
import NIOConcurrencyHelpers
import NIOCore

/// Opens the scanner's TCP connections before any event loop sees them.
///
/// Most targets of a sweep refuse or never answer. Through NIO each such attempt builds, registers
/// and tears down a channel, which was most of the scanner's CPU for a closed address; here it costs
/// a socket, a connect and a close. A connect that does not finish at once waits on one epoll set
/// watched by one thread, under the caller's timeout; only a socket that connected is handed to NIO.
final class Connector: Sendable {
    /// One per process, started on first use.
    static let shared = Connector()

    private struct Waiter {
        let socket: CInt
        let continuation: CheckedContinuation<Result<CInt, ProbeError>, Never>
    }

    private struct State {
        /// Epoll tokens; 0 is the wake-up eventfd.
        var nextToken: UInt64 = 1
        var waiting: [UInt64: Waiter] = [:]
        /// Deadlines in order, one queue per timeout: a queue's deadlines only grow, so its first
        /// entry is its earliest. Entries of connects that already finished are dropped when reached.
        var deadlines: [Int64: CircularBuffer<(deadline: UInt64, token: UInt64)>] = [:]
        /// When the thread will next look at the deadlines by itself (`.max`: only on an event).
        var wakeAt: UInt64 = .max
    }

    private let state = NIOLockedValueBox(State())
    private let epoll: CInt
    private let wakeUp: CInt
    /// Why the epoll set could not be made (no descriptor left when the first connect came): every
    /// connect then fails as a local failure, which stops the scan.
    private let setupFailure: ProbeError?

    private init() {
        let epoll = epoll_create1(CInt(EPOLL_CLOEXEC))
        let wakeUp = epoll >= 0 ? eventfd(0, CInt(EFD_NONBLOCK | EFD_CLOEXEC)) : -1
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: 0))
        let watching = wakeUp >= 0 && epoll_ctl(epoll, EPOLL_CTL_ADD, wakeUp, &event) == 0
        self.epoll = epoll
        self.wakeUp = wakeUp
        guard watching else {
            // errno is the first failed call's: the later ones were not made.
            setupFailure = ProbeError(local: errno, doing: "setting up the scanner's connects")
            if epoll >= 0 { close(epoll) }
            if wakeUp >= 0 { close(wakeUp) }
            return
        }
        setupFailure = nil
        let thread = Thread { [unowned self] in self.run() }
        thread.name = "exscope-connector"
        thread.start()
    }

    /// A connected, non-blocking socket to `address:port`, or why there is none.
    func connect(to address: IPAddress, port: Int, timeout: TimeAmount) async -> Result<CInt, ProbeError> {
        if let setupFailure { return .failure(setupFailure) }
        let socket = Glibc.socket(address.isIPv4 ? AF_INET : AF_INET6, CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard socket >= 0 else { return .failure(ProbeError(local: errno, doing: "opening a socket")) }
        let result = Self.withSocketAddress(address, port: port) { Glibc.connect(socket, $0, $1) }
        if result == 0 { return .success(socket) }
        let code = errno
        guard code == EINPROGRESS else {
            close(socket)
            return .failure(ProbeError(connectErrno: code))
        }
        return await withCheckedContinuation { continuation in
            wait(for: Waiter(socket: socket, continuation: continuation), timeout: timeout)
        }
    }

    /// Registers the socket under the lock, so that neither its event nor its deadline is handled
    /// before it is known, and its descriptor cannot be closed and reused before the registration.
    private func wait(for waiter: Waiter, timeout: TimeAmount) {
        let outcome = state.withLockedValue { state -> Result<Bool, ProbeError> in
            // Read under the lock: each timeout's queue is appended in deadline order, and the run loop relies on it.
            let deadline = Self.now() &+ UInt64(max(0, timeout.nanoseconds))
            let token = state.nextToken
            state.nextToken += 1
            var event = epoll_event(events: EPOLLOUT.rawValue | EPOLLONESHOT.rawValue, data: epoll_data_t(u64: token))
            guard epoll_ctl(epoll, EPOLL_CTL_ADD, waiter.socket, &event) == 0 else { return .failure(ProbeError(local: errno, doing: "watching a connect")) }
            state.waiting[token] = waiter
            state.deadlines[timeout.nanoseconds, default: CircularBuffer()].append((deadline, token))
            let wake = deadline < state.wakeAt
            state.wakeAt = min(state.wakeAt, deadline)
            return .success(wake)
        }
        switch outcome {
        case .success(let wake):
            if wake { _ = eventfd_write(wakeUp, 1) }
        case .failure(let error):
            close(waiter.socket)
            waiter.continuation.resume(returning: .failure(error))
        }
    }

    private func run() {
        var events = [epoll_event](repeating: epoll_event(), count: 1024)
        var finished: [(Waiter, Result<CInt, ProbeError>)] = []
        while true {
            let timeout = state.withLockedValue { state -> CInt in
                let earliest = state.deadlines.values.compactMap { $0.first?.deadline }.min() ?? .max
                state.wakeAt = earliest
                guard earliest != .max else { return -1 }
                let now = Self.now()
                return earliest <= now ? 0 : CInt(clamping: (earliest - now + 999_999) / 1_000_000)
            }
            let count = epoll_wait(epoll, &events, CInt(events.count), timeout)
            let ready = events.prefix(max(0, Int(count)))
            let now = Self.now()
            state.withLockedValue { state in
                for event in ready {
                    if let waiter = state.waiting.removeValue(forKey: event.data.u64) {
                        finished.append((waiter, .success(waiter.socket)))
                    }
                }
                for queue in Array(state.deadlines.keys) {
                    while let first = state.deadlines[queue]?.first, first.deadline <= now || state.waiting[first.token] == nil {
                        state.deadlines[queue]?.removeFirst()
                        guard let waiter = state.waiting.removeValue(forKey: first.token) else { continue }
                        finished.append((waiter, .failure(ProbeError(.connectionTimeout, "connect timed out"))))
                    }
                    if state.deadlines[queue]?.isEmpty == true { state.deadlines[queue] = nil }
                }
            }
            if ready.contains(where: { $0.data.u64 == 0 }) {
                var value: eventfd_t = 0
                _ = eventfd_read(wakeUp, &value)
            }
            for (waiter, result) in finished {
                waiter.continuation.resume(returning: Self.settle(waiter.socket, result, epoll: epoll))
            }
            finished.removeAll(keepingCapacity: true)
        }
    }

    /// The connect's outcome: a socket that connected leaves the epoll set; one that failed or timed out is closed.
    private static func settle(_ socket: CInt, _ result: Result<CInt, ProbeError>, epoll: CInt) -> Result<CInt, ProbeError> {
        guard case .success = result else {
            close(socket)
            return result
        }
        var code: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        if getsockopt(socket, SOL_SOCKET, SO_ERROR, &code, &length) != 0 { code = errno }
        guard code == 0 else {
            close(socket)
            return .failure(ProbeError(connectErrno: code))
        }
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, socket, nil)
        return result
    }

    /// Calls `body` with the socket address of `address:port`.
    static func withSocketAddress<Result>(_ address: IPAddress, port: Int,
                                                  _ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        switch address {
        case .v4(let value):
            var socketAddress = sockaddr_in()
            socketAddress.sin_family = sa_family_t(AF_INET)
            socketAddress.sin_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            socketAddress.sin_addr = in_addr(s_addr: value.bigEndian)
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let value):
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            socketAddress.sin6_port = in_port_t(UInt16(truncatingIfNeeded: port).bigEndian)
            withUnsafeMutableBytes(of: &socketAddress.sin6_addr) { bytes in
                for index in 0..<16 { bytes[index] = UInt8(truncatingIfNeeded: value >> UInt128(120 - 8 * index)) }
            }
            return withUnsafePointer(to: &socketAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    private static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
#endif
