public import ExScopeCore
import Foundation
public import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One simulated address: where it listens, what it does, and what a correct scan reports.
public struct SimulatedHost: Sendable {
    /// Position in the fleet (0-based).
    public var index: Int
    /// The IPv4 address, always inside 127.0.0.0/8.
    public var ip: String
    /// The TCP port (the fleet's port once started).
    public var port: Int
    /// What the host does.
    public var persona: Persona
    /// The certificate presented (TLS fleets only).
    public var certificate: CertificateSpec?
    /// The answer key.
    public var truth: GroundTruth
}

/// Plays a whole fleet of Exchange-like and hostile hosts in one process, one
/// listening socket per address on 127.0.0.0/8, all on one port.
///
/// ```swift
/// let fleet = try FleetSimulator(configuration: .init(hosts: 200, seed: 7))
/// try await fleet.start()
/// defer { Task { try await fleet.stop() } }
/// for host in fleet.hosts { /* scan host.ip:host.port, compare with host.truth */ }
/// ```
///
/// Hosts whose persona is ``HostileMode/refuse`` get no socket, so the kernel
/// refuses them for real. Each listening host costs one descriptor plus one per
/// open connection: with `ulimit -n` 20000 keep fleets under about 15,000 hosts.
/// The simulator never binds anything outside 127.0.0.0/8.
public final class FleetSimulator: Sendable {
    /// How to build the fleet.
    public struct Configuration: Sendable {
        /// Number of hosts (ignored when `personas` is set).
        public var hosts: Int
        /// Seed for the persona mix; the same seed gives the same fleet.
        public var seed: UInt64
        /// The first address; host *i* gets `baseAddress + i`. Must be in 127.0.0.0/8.
        public var baseAddress: String
        /// The port every host listens on; 0 picks a free port on the first address.
        public var port: Int
        /// TLS (default) or plain HTTP.
        public var tls: Bool
        /// The persona mix.
        public var mix: FleetMix
        /// An explicit manifest: one persona per host, in order, instead of the mix.
        public var personas: [Persona]?
        /// The key type of generated certificates: RSA-2048 like Exchange's own, unless a test asks otherwise.
        public var keyAlgorithm: SimulatedKeyAlgorithm
        /// How many distinct certificates well-behaved hosts share.
        public var certificatePool: Int
        /// One certificate for every TLS host instead of the per-persona choice.
        public var certificate: CertificateSpec?
        /// Seconds an idle keep-alive connection stays open (hostile hosts never time out).
        public var idleTimeoutSeconds: Int
        /// Requests kept in full by ``FleetSimulator/requestLog`` (counters are unbounded).
        public var requestLogCapacity: Int

        /// A seeded fleet.
        /// - Parameters:
        ///   - hosts: how many hosts.
        ///   - seed: the persona mix seed.
        ///   - baseAddress: the first address (default `127.10.0.1`).
        ///   - port: the shared port; 0 picks one.
        ///   - tls: TLS (default) or plain HTTP.
        ///   - mix: the persona mix (default ``FleetMix/default``).
        public init(hosts: Int = 100, seed: UInt64 = 1, baseAddress: String = "127.10.0.1", port: Int = 0,
                    tls: Bool = true, mix: FleetMix = .default) {
            self.hosts = hosts
            self.seed = seed
            self.baseAddress = baseAddress
            self.port = port
            self.tls = tls
            self.mix = mix
            self.personas = nil
            self.keyAlgorithm = .rsa2048
            self.certificatePool = 12
            self.certificate = nil
            self.idleTimeoutSeconds = 30
            self.requestLogCapacity = 100_000
        }

        /// A fleet from an explicit manifest: host *i* plays `personas[i]`.
        public init(personas: [Persona], baseAddress: String = "127.10.0.1", port: Int = 0, tls: Bool = true) {
            self.init(hosts: personas.count, seed: 0, baseAddress: baseAddress, port: port, tls: tls)
            self.personas = personas
        }
    }

    private enum Phase {
        case idle
        case starting
        case running(port: Int, listeners: [any Channel])
        case stopped
    }

    /// The configuration the fleet was built from.
    public let configuration: Configuration
    /// Connections and requests per address and path.
    public let requestLog: RequestLog

    private let planned: [SimulatedHost]
    private let indexByAddress: [String: Int]
    private let group: any EventLoopGroup
    private let certificates: CertificateFactory
    private let connections = ConnectionRegistry()
    private let phase = Mutex<Phase>(.idle)

    /// Builds the fleet (personas, certificates to use, ground truth) without opening sockets.
    /// - Parameters:
    ///   - configuration: the fleet.
    ///   - catalog: the knowledge base for builds and ground truth (default: the bundled catalog).
    ///   - group: the event loops to serve on (default: NIO's process-wide singleton).
    ///   - certificates: where certificates come from (default: ``CertificateFactory/shared``).
    /// - Throws: ``SimulatorError`` for addresses outside 127.0.0.0/8 or a fleet that does not fit;
    ///   `CatalogError` if the bundled catalog does not load.
    public init(configuration: Configuration, catalog: Catalog? = nil,
                group: (any EventLoopGroup)? = nil,
                certificates: CertificateFactory = .shared) throws {
        let catalog = try catalog ?? Catalog.bundled()
        let count = configuration.personas?.count ?? configuration.hosts
        guard count >= 0 else { throw SimulatorError.invalidConfiguration("negative host count") }
        guard (0...65_535).contains(configuration.port) else { throw SimulatorError.invalidConfiguration("port out of range") }
        let base = try HostListener.requireLoopback(configuration.baseAddress)
        let first = UInt32(base[0]) << 24 | UInt32(base[1]) << 16 | UInt32(base[2]) << 8 | UInt32(base[3])
        guard count == 0 || UInt64(first) + UInt64(count - 1) <= 0x7FFF_FFFE else {
            throw SimulatorError.invalidConfiguration("\(count) hosts from \(configuration.baseAddress) leave 127.0.0.0/8")
        }

        var generator = FleetGenerator(seed: configuration.seed, mix: configuration.mix, catalog: catalog)
        var hosts: [SimulatedHost] = []
        hosts.reserveCapacity(count)
        var index: [String: Int] = [:]
        for offset in 0..<count {
            let value = first + UInt32(offset)
            let ip = "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
            let persona = configuration.personas?[offset] ?? generator.nextPersona(index: offset)
            let certificate = configuration.tls
                ? configuration.certificate ?? FleetGenerator.certificate(for: persona, index: offset, pool: configuration.certificatePool,
                                             key: configuration.keyAlgorithm)
                : nil
            let truth = GroundTruth.make(for: persona, tls: configuration.tls, certificate: certificate, catalog: catalog)
            hosts.append(SimulatedHost(index: offset, ip: ip, port: configuration.port, persona: persona,
                                       certificate: certificate, truth: truth))
            index[ip] = offset
        }
        self.configuration = configuration
        self.planned = hosts
        self.indexByAddress = index
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        self.certificates = certificates
        self.requestLog = RequestLog(addresses: hosts.map(\.ip), capacity: configuration.requestLogCapacity)
    }

    /// Every host with its ground truth; `port` is the real port once started.
    public var hosts: [SimulatedHost] {
        let port = self.port
        guard port != configuration.port else { return planned }
        return planned.map { host in
            var copy = host
            copy.port = port
            return copy
        }
    }

    /// The host on `address`, if the fleet has one.
    public func host(at address: String) -> SimulatedHost? {
        guard let index = indexByAddress[address] else { return nil }
        var host = planned[index]
        host.port = port
        return host
    }

    /// The port all hosts listen on (the configured one until started).
    public var port: Int {
        phase.withLock { phase in
            if case .running(let port, _) = phase { return port }
            return configuration.port
        }
    }

    /// The `ip:port` of every listening socket, read back from the sockets themselves.
    public var boundAddresses: [String] {
        let listeners = phase.withLock { phase -> [any Channel] in
            if case .running(_, let listeners) = phase { return listeners }
            return []
        }
        return listeners.compactMap { channel in
            guard let address = channel.localAddress, let ip = address.ipAddress, let port = address.port else { return nil }
            return "\(ip):\(port)"
        }
    }

    /// Connections open right now (all hosts).
    public var openConnections: Int { connections.count }

    /// The ground truth as JSON Lines, one object per host (`ip`, `port`, `persona`, then the truth's fields).
    public func groundTruthJSONLines() throws -> String {
        struct Line: Encodable {
            var ip: String
            var port: Int
            var persona: String
            var truth: GroundTruth
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for host in hosts {
            let data = try encoder.encode(Line(ip: host.ip, port: host.port, persona: host.persona.kind, truth: host.truth))
            text += String(decoding: data, as: UTF8.self) + "\n"
        }
        return text
    }

    /// Opens one listening socket per host (except refused ones).
    ///
    /// With port 0 the first listening host binds an ephemeral port and every other
    /// host reuses it; if another process holds that port on some address, the
    /// fleet retries with a fresh port (up to five times).
    /// - Throws: ``SimulatorError`` if already started; NIO errors if binding fails.
    public func start() async throws {
        try phase.withLock { phase in
            guard case .idle = phase else { throw SimulatorError.alreadyStarted }
            phase = .starting
        }
        do {
            let runtimes = try makeRuntimes()
            let listening = runtimes.filter {
                if case .hostile(.refuse) = $0.persona { return false }
                return true
            }
            // The large pages are shared by every host of a build: build them now, not during the first scan.
            // One host per persona is enough: the pages are cached by shape, not by host.
            var warmed = Set<Persona>()
            for runtime in listening where warmed.insert(runtime.persona).inserted {
                PersonaResponder(persona: runtime.persona, address: runtime.address).warm()
            }
            var attempt = 0
            while true {
                attempt += 1
                do {
                    let (port, listeners) = try await bindAll(listening)
                    phase.withLock { $0 = .running(port: port, listeners: listeners) }
                    return
                } catch let error as IOError where error.errnoCode == EADDRINUSE && configuration.port == 0 && attempt < 5 {
                    continue
                }
            }
        } catch {
            phase.withLock { $0 = .idle }
            throw error
        }
    }

    /// Closes every listener and every open connection (hanging ones included).
    /// - Throws: ``SimulatorError`` if the fleet is not running.
    public func stop() async throws {
        let listeners = try phase.withLock { phase -> [any Channel] in
            guard case .running(_, let listeners) = phase else { throw SimulatorError.notStarted }
            phase = .stopped
            return listeners
        }
        for listener in listeners {
            try? await listener.close()
        }
        await connections.closeAll()
    }

    private func makeRuntimes() throws -> [HostRuntime] {
        var runtimes: [HostRuntime] = []
        runtimes.reserveCapacity(planned.count)
        for host in planned {
            let tls = try host.certificate.map(certificates.serverConfiguration(for:))
            runtimes.append(HostRuntime(index: host.index, address: host.ip, persona: host.persona, tls: tls,
                                        log: requestLog, connections: connections,
                                        idleTimeout: .seconds(Int64(max(1, configuration.idleTimeoutSeconds)))))
        }
        return runtimes
    }

    /// Binds all listeners; closes what it opened if any bind fails.
    private func bindAll(_ runtimes: [HostRuntime]) async throws -> (Int, [any Channel]) {
        var listeners: [any Channel] = []
        listeners.reserveCapacity(runtimes.count)
        do {
            var port = configuration.port
            var remaining = runtimes[...]
            if port == 0 {
                if let first = remaining.popFirst() {
                    let channel = try await HostListener.bind(first, port: 0, group: group).get()
                    listeners.append(channel)
                    port = channel.localAddress?.port ?? 0
                } else {
                    port = try await Self.freePort(on: configuration.baseAddress, group: group)
                }
            }
            // Bind in batches: thousands of simultaneous binds gain nothing and spike memory.
            while !remaining.isEmpty {
                let batch = remaining.prefix(256)
                remaining = remaining.dropFirst(batch.count)
                let futures = batch.map { HostListener.bind($0, port: port, group: group) }
                var failure: (any Error)?
                for future in futures {
                    do {
                        listeners.append(try await future.get())
                    } catch {
                        failure = failure ?? error
                    }
                }
                if let failure { throw failure }
            }
            return (port, listeners)
        } catch {
            for listener in listeners { try? await listener.close() }
            throw error
        }
    }

    /// A free port on `address`: nothing listens there until something binds it.
    public static func freePort(on address: String) async throws -> Int {
        try await freePort(on: address, group: MultiThreadedEventLoopGroup.singleton)
    }

    /// A free port on `address` (bind port 0, read it, close).
    static func freePort(on address: String, group: any EventLoopGroup) async throws -> Int {
        let channel = try await ServerBootstrap(group: group).bind(host: address, port: 0).get()
        let port = channel.localAddress?.port ?? 0
        try await channel.close()
        return port
    }
}
