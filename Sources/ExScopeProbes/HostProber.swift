public import ExScopeCore
public import Foundation
public import NIOCore
import NIOPosix
import NIOSSL

/// What scanning one target produced: how it went, what was collected, and the profile.
public struct HostOutcome: Sendable {
    public var target: ScanTarget
    /// The address contacted (for a host name, the one it resolved to).
    public var address: IPAddress?
    public var status: ScanStatus
    /// A short description of the failure that ended the conversation, if any.
    public var error: String?
    public var evidence: HostEvidence
    /// The fingerprint; `nil` when nothing was received.
    public var profile: HostProfile?
    /// When the scan of this target started.
    public var startedAt: Date
    public var duration: Duration
    /// The probe failed for a reason of this machine, not of the target (no descriptors, memory or
    /// local ports; ``error`` says which): the target was not really tried, and the outcome is not a result.
    public var failedLocally = false
}

/// Runs ExScope's probe plan against one target:
///
/// 1. `GET /owa/` (no redirect is followed), 2. the OWA logon page, 3. the ECP export-tool
/// manifest — asked before the logon page when `/owa/` already shows Exchange; the logon page is
/// then skipped if the manifest gives, with high confidence, an exact build that nothing contradicts
/// (unless `thorough`),
/// 4. only while the build is not exact: the `X-OWA-Version`-bearing 401s of
/// `/EWS/Exchange.asmx` and `/Autodiscover/Autodiscover.xml`. `identity` adds an NTLM
/// negotiate on `/EWS/Exchange.asmx`; `hybridHint` an empty Bearer challenge on
/// `/Microsoft-Server-ActiveSync`. Requests share one connection while the server keeps it
/// alive. The plan stops as soon as the host is clearly not Exchange or is Exchange Online.
/// Only `GET` requests are sent; nothing changes server state.
public struct HostProber: Sendable {
    public let configuration: ProbeConfiguration
    public let catalog: Catalog
    public let asOf: CalendarDate
    let group: any EventLoopGroup
    let tlsContext: NIOSSLContext

    public init(configuration: ProbeConfiguration, catalog: Catalog, asOf: CalendarDate,
                group: (any EventLoopGroup)? = nil) throws {
        self.configuration = configuration
        self.catalog = catalog
        self.asOf = asOf
        self.group = group ?? MultiThreadedEventLoopGroup.singleton
        var tls = TLSConfiguration.makeClientConfiguration()
        // The scanner records certificates; it must finish handshakes with broken ones to report on them.
        tls.certificateVerification = .none
        tls.minimumTLSVersion = .tlsv1
        // Classical key exchange only: Exchange's SChannel offers X25519 and the NIST curves, and a
        // post-quantum hybrid share would more than double the client's handshake cost per host.
        tls.curves = [.x25519, .secp256r1, .secp384r1]
        tlsContext = try NIOSSLContext(configuration: tls)
    }

    static let owaPath = "/owa/"
    static let manifestPath = "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"
    static let ewsPath = "/EWS/Exchange.asmx"
    static let autodiscoverPath = "/Autodiscover/Autodiscover.xml"
    static let activeSyncPath = "/Microsoft-Server-ActiveSync"

    /// Probes one target. Never throws: every failure becomes a status (or, for a failure of this machine, ``HostOutcome/failedLocally``).
    public func probe(_ target: ScanTarget) async -> HostOutcome {
        let started = Date()
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = HostOutcome(target: target, address: target.address, status: .success, error: nil,
                                  evidence: HostEvidence(responses: []), profile: nil, startedAt: started, duration: .zero)
        if let exclusion = target.exclusion {
            outcome.status = .excluded
            outcome.error = exclusion
            return outcome
        }
        var plan = Plan(configuration: configuration)
        do {
            try await run(target, plan: &plan, into: &outcome, deadline: start + Self.duration(configuration.timeouts.host), clock: clock)
        } catch {
            if outcome.evidence.responses.isEmpty {
                outcome.status = error.status
            }
            outcome.error = error.detail
            outcome.failedLocally = error.local
        }
        if !outcome.evidence.responses.isEmpty {
            outcome.status = .success
            outcome.profile = plan.profile(of: outcome.evidence, catalog: catalog, asOf: asOf)
        }
        outcome.duration = clock.now - start
        return outcome
    }

    private func run(_ target: ScanTarget, plan: inout Plan, into outcome: inout HostOutcome, deadline: ContinuousClock.Instant,
                     clock: ContinuousClock) async throws(ProbeError) {
        let address: IPAddress
        if let known = target.address {
            address = known
        } else if let name = target.hostname {
            address = try await resolveAllowed(name)
            outcome.address = address
        } else {
            throw ProbeError(.dnsError, "target has neither an address nor a name")
        }
        let tls = configuration.plainHTTPPorts.contains(target.port) ? nil : tlsContext
        var requests = 0
        while let step = plan.next(after: outcome.evidence, catalog: catalog, asOf: asOf) {
            // Each connection serves as many steps as the server allows.
            let connection = try await HTTPConnection.open(address: address, port: target.port, hostname: target.hostname,
                                                           tls: tls, configuration: configuration, group: group)
            defer { connection.close() }
            if outcome.evidence.certificate == nil, let der = connection.certificate {
                outcome.evidence.certificate = CertificateSummary(der: der)
            }
            var pending: Plan.Step? = step
            while let current = pending {
                guard requests < configuration.limits.requestsPerHost else { return }
                guard clock.now < deadline else { throw ProbeError(.ioTimeout, "the host took longer than its time limit") }
                requests += 1
                let response = try await connection.get(current.path(host: connection.hostHeader, tls: tls != nil), extraHeaders: current.headers)
                outcome.evidence.responses.append(response.evidence)
                pending = plan.next(after: outcome.evidence, catalog: catalog, asOf: asOf)
                if !response.keepAlive { break }
            }
            guard let next = pending else { return }
            plan.pushBack(next)
            guard clock.now < deadline else { throw ProbeError(.ioTimeout, "the host took longer than its time limit") }
        }
    }

    private func resolveAllowed(_ name: String) async throws(ProbeError) -> IPAddress {
        let addresses = try await Resolver.resolve(name)
        // A name is named explicitly, so only the never-scan space is refused.
        for address in addresses {
            let named = AddressBlock(first: address, count: 1)
            if ExclusionList.standard.exclusion(for: address, named: named) == nil { return address }
        }
        throw ProbeError(.dnsError, "\(name) resolves only to addresses that are never scanned")
    }

    static func duration(_ amount: TimeAmount) -> Duration { .nanoseconds(amount.nanoseconds) }
}

/// The probe plan as a small state machine over the evidence collected so far.
struct Plan: Sendable {
    struct Step: Sendable, Equatable {
        enum Kind: Sendable, Equatable { case owa, logon, manifest, ews, autodiscover, ntlm, bearer }
        var kind: Kind

        func path(host: String, tls: Bool) -> String {
            switch kind {
            case .owa: return HostProber.owaPath
            case .logon:
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                let url = "\(tls ? "https" : "http")://\(host)/owa/".addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
                return "/owa/auth/logon.aspx?url=\(url)&reason=0"
            case .manifest: return HostProber.manifestPath
            case .ews, .ntlm: return HostProber.ewsPath
            case .autodiscover: return HostProber.autodiscoverPath
            case .bearer: return HostProber.activeSyncPath
            }
        }

        var headers: [(String, String)] {
            switch kind {
            case .ntlm: [("Authorization", NTLMNegotiate.header)]
            case .bearer: [("Authorization", "Bearer")]
            default: []
            }
        }

        static func == (lhs: Step, rhs: Step) -> Bool { lhs.kind == rhs.kind }
    }

    let configuration: ProbeConfiguration
    private var done: [Step.Kind] = []
    private var returned: Step?
    /// The last classification and how many responses it saw: classifying is most of a host's
    /// CPU cost, and the final profile is usually the one the last decision already made.
    private var classified: (responses: Int, profile: HostProfile)?

    init(configuration: ProbeConfiguration) { self.configuration = configuration }

    /// A step taken but not sent (the connection closed first) is offered again.
    mutating func pushBack(_ step: Step) {
        done.removeAll { $0 == step.kind }
        returned = step
    }

    /// The next request, or `nil` when the evidence is conclusive or the plan is done.
    mutating func next(after evidence: HostEvidence, catalog: Catalog, asOf: CalendarDate) -> Step? {
        if let step = returned {
            returned = nil
            done.append(step.kind)
            return step
        }
        let kind = decide(evidence, catalog: catalog, asOf: asOf)
        if let kind { done.append(kind) }
        return kind.map(Step.init)
    }

    /// The profile of `evidence`, classified again only when responses arrived since the last time.
    mutating func profile(of evidence: HostEvidence, catalog: Catalog, asOf: CalendarDate) -> HostProfile {
        if let classified, classified.responses == evidence.responses.count { return classified.profile }
        let profile = Fingerprinter.classify(evidence, catalog: catalog, asOf: asOf)
        classified = (evidence.responses.count, profile)
        return profile
    }

    private mutating func decide(_ evidence: HostEvidence, catalog: Catalog, asOf: CalendarDate) -> Step.Kind? {
        if !done.contains(.owa) { return .owa }
        let profile = profile(of: evidence, catalog: catalog, asOf: asOf)
        let exact = profile.precision == .exact
        if !done.contains(.logon) {
            // /owa/ already shows Exchange: the manifest may give the exact build at once. When it does with
            // high confidence and nothing disagrees, the logon page (the largest response, CU-level only)
            // would change no conclusion and is skipped, unless --thorough asks for its cross-check.
            let shows = !profile.signals.isEmpty && !profile.exchangeOnline
            if shows && !configuration.thorough && !done.contains(.manifest) { return .manifest }
            let settled = done.contains(.manifest) && profile.detected && profile.confidence == .high && exact && profile.anomalies.isEmpty
            if !settled || configuration.thorough { return .logon }
        }
        // Conclusive: clearly not Exchange, or Exchange Online (never counted). A reverse proxy's
        // pre-authentication page hides OWA but usually passes /EWS/ and /Autodiscover/ through.
        let behindProxy = profile.evidence.contains { $0.source == .preAuthPage }
        if profile.signals.isEmpty && !profile.detected && !behindProxy { return nil }
        if profile.exchangeOnline { return nil }
        if !done.contains(.manifest) && !(exact && profile.anomalies.isEmpty) { return .manifest }
        // The NTLM negotiate goes to /EWS/, whose 401 also carries X-OWA-Version.
        if configuration.identity && !done.contains(.ntlm) { return .ntlm }
        if !exact && !configuration.identity && !done.contains(.ews) { return .ews }
        if !exact && !done.contains(.autodiscover) { return .autodiscover }
        if configuration.hybridHint && !done.contains(.bearer) { return .bearer }
        return nil
    }
}
