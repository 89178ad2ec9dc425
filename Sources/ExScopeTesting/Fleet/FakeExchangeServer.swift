public import ExScopeCore
public import NIOCore
import NIOPosix
import Synchronization

/// One simulated host on `127.0.0.1`, port chosen by the kernel: a persona or a
/// hostile mode, for focused scanner tests.
///
/// ```swift
/// let server = try FakeExchangeServer(persona: .onPrem(BuildNumber(15, 2, 1748, 24)))
/// try await server.start()
/// // scan 127.0.0.1:\(server.port) …
/// try await server.stop()
/// ```
///
/// For ``HostileMode/refuse`` `start()` binds a port, reads it and closes the
/// listener again, so connecting to ``port`` is refused.
public final class FakeExchangeServer: Sendable {
    /// Always `127.0.0.1`.
    public let address: String
    /// Connections and requests received.
    public var requestLog: RequestLog { fleet.requestLog }

    private let fleet: FleetSimulator
    private let refusedPort = Mutex<Int?>(nil)

    /// Creates a server; nothing is bound until ``start()``.
    /// - Parameters:
    ///   - persona: what the server does.
    ///   - tls: TLS (default) or plain HTTP.
    ///   - certificate: the certificate to present (default: what the fleet would give this persona).
    ///   - address: the loopback address to bind (default `127.0.0.1`).
    ///   - catalog: for the ground truth (default: bundled).
    ///   - group: the event loops to serve on (default: NIO's process-wide singleton).
    /// - Throws: ``SimulatorError`` for a non-loopback address; `CatalogError`.
    public init(persona: Persona, tls: Bool = true, certificate: CertificateSpec? = nil, address: String = "127.0.0.1",
                catalog: Catalog? = nil, group: (any EventLoopGroup)? = nil) throws {
        var configuration = FleetSimulator.Configuration(personas: [persona], baseAddress: address, port: 0, tls: tls)
        configuration.certificate = certificate
        self.address = address
        self.fleet = try FleetSimulator(configuration: configuration, catalog: catalog, group: group)
    }

    /// Binds the listener (or, for `.refuse`, finds a port nobody listens on).
    /// - Throws: ``SimulatorError`` if already started; NIO errors if binding fails.
    public func start() async throws {
        if case .hostile(.refuse) = fleet.hosts.first?.persona {
            let port = try await FleetSimulator.freePort(on: address, group: MultiThreadedEventLoopGroup.singleton)
            refusedPort.withLock { $0 = port }
        }
        try await fleet.start()
    }

    /// Closes the listener and every connection.
    /// - Throws: ``SimulatorError`` if not running.
    public func stop() async throws {
        try await fleet.stop()
    }

    /// The port to connect to (0 before ``start()``).
    public var port: Int {
        refusedPort.withLock { $0 } ?? fleet.port
    }

    /// The simulated host with its ground truth.
    public var host: SimulatedHost {
        var host = fleet.hosts[0]
        host.port = port
        return host
    }

    /// Connections open right now.
    public var openConnections: Int { fleet.openConnections }
}
