import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// Errors from the simulator and fake servers.
public struct SimulatorError: Error, Hashable, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    static func nonLoopback(_ address: String) -> SimulatorError {
        SimulatorError(description: "refusing to bind \(address): the simulator binds only 127.0.0.0/8")
    }

    static func invalidConfiguration(_ reason: String) -> SimulatorError {
        SimulatorError(description: "invalid simulator configuration: \(reason)")
    }

    static let alreadyStarted = SimulatorError(description: "the simulator was already started")
    static let notStarted = SimulatorError(description: "the simulator is not running")
}

/// Everything a listener needs to serve one simulated host.
struct HostRuntime: Sendable {
    let index: Int
    let address: String
    let persona: Persona
    /// TLS for this host; each connection gets its own context made from it (see ``HostListener/configure(_:for:)``).
    let tls: TLSConfiguration?
    let log: RequestLog
    let connections: ConnectionRegistry
    let idleTimeout: TimeAmount
}

/// The open child channels, so `stop()` can close hanging connections too.
final class ConnectionRegistry: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])

    func add(_ channel: any Channel) {
        let key = ObjectIdentifier(channel)
        channels.withLock { $0[key] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.channels.withLock { $0.removeValue(forKey: key) }
        }
    }

    var count: Int { channels.withLock { $0.count } }

    func closeAll() async {
        let open = channels.withLock { Array($0.values) }
        for channel in open {
            try? await channel.close()
        }
    }
}

enum HostListener {
    /// Checks that `address` is dotted IPv4 inside 127.0.0.0/8.
    static func requireLoopback(_ address: String) throws -> [UInt8] {
        let parts = address.split(separator: ".", omittingEmptySubsequences: false)
        let octets = parts.compactMap { UInt8($0) }
        guard parts.count == 4, octets.count == 4, octets[0] == 127 else { throw SimulatorError.nonLoopback(address) }
        return octets
    }

    /// Binds a listener for `host` on `port` (0 = any free port).
    static func bind(_ host: HostRuntime, port: Int, group: any EventLoopGroup) -> EventLoopFuture<any Channel> {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 512)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 8)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel, for: host)
                }
            }
            .bind(host: host.address, port: port)
    }

    static func configure(_ channel: any Channel, for host: HostRuntime) throws {
        host.log.recordConnection(host: host.index)
        host.connections.add(channel)
        let pipeline = channel.pipeline.syncOperations
        let hostile: HostileMode? = if case .hostile(let mode) = host.persona { mode } else { nil }
        if let tls = host.tls, hostile?.actsBeforeTLS != true {
            // A TLS context per connection: BoringSSL keeps its session cache and ticket key per context, so
            // no client can resume a session. Distinct hosts never share one, and a benchmark client that
            // reconnects to one simulated host (wrk does) must pay for full handshakes too.
            try pipeline.addHandler(NIOSSLServerHandler(context: try NIOSSLContext(configuration: tls)))
        }
        if let hostile {
            try pipeline.addHandler(HostileHandler(mode: hostile, log: host.log, hostIndex: host.index))
            return
        }
        try pipeline.addHandler(IdleStateHandler(readTimeout: host.idleTimeout))
        try pipeline.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
        try pipeline.addHandler(PersonaHTTPHandler(
            responder: PersonaResponder(persona: host.persona, address: host.address),
            log: host.log, hostIndex: host.index))
    }
}
