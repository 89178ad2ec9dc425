#if os(Linux)
import ExScopeCore
import Foundation
import Glibc
import NIOCore
import Testing
@testable import ExScopeProbes

/// The scanner's own connect: refused, connected, timed out, both families, and no socket left open.
// Serialized: two tests lower the process's descriptor limit.
@Suite("Connector", .serialized)
struct ConnectorTests {
    /// A listening socket on `address` with a kernel-chosen port; `backlog` 0 lets one connection wait
    /// to be accepted, so with nothing accepting, a later SYN is dropped and its connect never finishes.
    private struct Listener {
        let socket: CInt
        let port: Int

        init(_ address: IPAddress, backlog: CInt = 16) throws {
            let socket = Glibc.socket(address.isIPv4 ? AF_INET : AF_INET6, CInt(SOCK_STREAM.rawValue), 0)
            let bound = Connector.withSocketAddress(address, port: 0) { bind(socket, $0, $1) }
            guard bound == 0, listen(socket, backlog) == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
            self.socket = socket
            port = ConnectorTests.port(of: socket, getsockname)
        }
    }

    /// The port of a socket's own address (`getsockname`) or its peer's (`getpeername`): it sits at
    /// the same offset in IPv4 and IPv6 socket addresses.
    private static func port(of socket: CInt,
                             _ query: (CInt, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> CInt) -> Int {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { query(socket, $0, &length) } }
        return Int(UInt16(bigEndian: withUnsafeBytes(of: &storage) { $0.load(fromByteOffset: 2, as: UInt16.self) }))
    }

    /// Whether the kernel has a socket of this process's network namespace still trying to reach
    /// `address:port` (state SYN_SENT in /proc/net/tcp, whose addresses are hex in host byte order).
    private static func connecting(to address: UInt32, port: Int) throws -> Bool {
        let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
        let remote = String(format: "%08X:%04X", address.byteSwapped, port)
        return table.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[2] == remote && fields[3] == "02"
        }
    }

    @Test("a closed port is refused, over IPv4 and IPv6", arguments: ["127.61.0.1", "::1"])
    func refused(_ text: String) async throws {
        let address = try #require(IPAddress(text))
        // A port that was just listening and is closed again is closed.
        let port = try { let listener = try Listener(address); close(listener.socket); return listener.port }()
        let result = await Connector.shared.connect(to: address, port: port, timeout: .seconds(5))
        guard case .failure(let error) = result else { Issue.record("connected to a closed port"); return }
        #expect(error.status == .connectionRefused)
        #expect(error.detail == "connection refused")
    }

    @Test("a listening port connects to that port, over IPv4 and IPv6", arguments: ["127.61.0.2", "::1"])
    func connects(_ text: String) async throws {
        let address = try #require(IPAddress(text))
        let listener = try Listener(address)
        defer { close(listener.socket) }
        let socket = try await Connector.shared.connect(to: address, port: listener.port, timeout: .seconds(5)).get()
        defer { close(socket) }
        #expect(Self.port(of: socket, getpeername) == listener.port)
        // Non-blocking, ready for an event loop.
        #expect(fcntl(socket, F_GETFL) & O_NONBLOCK != 0)
    }

    @Test("a connect that never finishes times out, and a shorter timeout is not held up by a longer one")
    func timesOut() async throws {
        let address = try #require(IPAddress("127.61.0.3"))
        let listener = try Listener(address, backlog: 0)
        defer { close(listener.socket) }
        // Nothing accepts: the queue takes the first connection; after that SYNs are dropped.
        var queued: [CInt] = []
        defer { queued.forEach { close($0) } }
        for _ in 0..<2 {
            if case .success(let socket) = await Connector.shared.connect(to: address, port: listener.port, timeout: .milliseconds(300)) {
                queued.append(socket)
            }
        }
        #expect(queued.count >= 1)
        let first = await withTaskGroup(of: (String, Result<CInt, ProbeError>).self) { group in
            group.addTask { ("long", await Connector.shared.connect(to: address, port: listener.port, timeout: .seconds(2))) }
            try? await Task.sleep(for: .milliseconds(50))
            group.addTask { ("short", await Connector.shared.connect(to: address, port: listener.port, timeout: .milliseconds(200))) }
            let first = await group.next()
            group.cancelAll()
            // The group still waits for the long one, which times out too.
            return first
        }
        #expect(first?.0 == "short")
        guard case .failure(let error)? = first?.1 else { Issue.record("the dropped SYN connected"); return }
        #expect(error.status == .connectionTimeout)
        #expect(try !Self.connecting(to: 0x7F3D_0003, port: listener.port), "a timed-out socket was left open")
    }

    @Test("the prober reports a target whose SYN is never answered as connection-timeout, after its connect timeout")
    func proberReportsConnectTimeout() async throws {
        let address = try #require(IPAddress("127.61.0.4"))
        let listener = try Listener(address, backlog: 0)
        defer { close(listener.socket) }
        // Fill the accept queue so that the prober's SYN is dropped.
        let queued = try await Connector.shared.connect(to: address, port: listener.port, timeout: .seconds(5)).get()
        defer { close(queued) }
        var configuration = ProbeConfiguration()
        configuration.timeouts.connect = .milliseconds(300)
        let prober = try HostProber(configuration: configuration, catalog: SimulatorFleetTests.catalog, asOf: ScanAgainstFleetTests.asOf)
        let outcome = await prober.probe(ScanTarget(address: address, hostname: nil, port: listener.port, named: true))
        #expect(outcome.status == .connectionTimeout)
        #expect(outcome.error == "connect timed out")
        #expect(outcome.duration >= .milliseconds(300))
        #expect(outcome.evidence.responses.isEmpty && outcome.profile == nil)
    }

    @Test("more refusals than the descriptor limit allows open at once: each socket is closed")
    func manyRefused() async throws {
        // A soft limit a little above what is open now (restored after), so that leaked sockets would
        // exhaust it within the run whatever limit the machine gives.
        var limit = rlimit()
        getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
        let saved = limit
        let open = (try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")).count
        limit.rlim_cur = min(saved.rlim_cur, rlim_t(open + 1500))
        #expect(setrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit) == 0)
        defer { var restore = saved; setrlimit(CInt(RLIMIT_NOFILE.rawValue), &restore) }
        let attempts = Int(limit.rlim_cur) + 1000
        // 500 at a time, far below the limit: a leaked socket would make later attempts fail to open one.
        let refused = await withTaskGroup(of: Bool.self) { group in
            var refused = 0
            for index in 0..<attempts {
                if index >= 500, await group.next() == true { refused += 1 }
                group.addTask {
                    let address = IPAddress.v4(0x7F3E_0000 | UInt32(index & 0xFFFF))  // 127.62.x.y: nothing listens
                    guard case .failure(let error) = await Connector.shared.connect(to: address, port: 443, timeout: .seconds(5)) else { return false }
                    return error.detail == "connection refused"
                }
            }
            for await result in group where result { refused += 1 }
            return refused
        }
        #expect(refused == attempts)
    }

    @Test("with no descriptor left, the prober reports a failure of this machine, not a status of the target")
    func noDescriptorLeftIsALocalFailure() async throws {
        let address = try #require(IPAddress("127.61.0.5"))
        let port = try { let listener = try Listener(address); close(listener.socket); return listener.port }()
        let prober = try HostProber(configuration: ProbeConfiguration(), catalog: SimulatorFleetTests.catalog, asOf: ScanAgainstFleetTests.asOf)
        // The connector's own epoll set is made before (a connector that cannot make it fails every connect).
        _ = Connector.shared
        var limit = rlimit()
        getrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit)
        let saved = limit
        limit.rlim_cur = rlim_t(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count + 16)
        #expect(setrlimit(CInt(RLIMIT_NOFILE.rawValue), &limit) == 0)
        // Every descriptor below the limit taken: the next socket() fails.
        var fillers: [CInt] = []
        while case let filler = open("/dev/null", O_RDONLY), filler >= 0 { fillers.append(filler) }
        let outcome = await prober.probe(ScanTarget(address: address, hostname: nil, port: port, named: true))
        fillers.forEach { close($0) }
        var restore = saved
        setrlimit(CInt(RLIMIT_NOFILE.rawValue), &restore)
        #expect(outcome.failedLocally)
        #expect(outcome.error == "opening a socket failed on this machine: Too many open files")
        #expect(outcome.evidence.responses.isEmpty)
        // With descriptors again, the same target is tried: its port is closed.
        let again = await prober.probe(ScanTarget(address: address, hostname: nil, port: port, named: true))
        #expect(!again.failedLocally)
        #expect(again.status == .connectionRefused)
    }

    @Test("connect errors that mean this machine ran out of something are local; the target's are not")
    func localConnectErrors() {
        for code in [EADDRNOTAVAIL, EAGAIN, ENOBUFS, ENOMEM, EMFILE] {
            #expect(ProbeError(connectErrno: code).local, "errno \(code)")
        }
        for code in [ECONNREFUSED, ETIMEDOUT, ENETUNREACH, EHOSTUNREACH, ECONNRESET] {
            #expect(!ProbeError(connectErrno: code).local, "errno \(code)")
        }
        #expect(ProbeError(connectErrno: EHOSTUNREACH).status == .connectionRefused)
    }
}
#endif
