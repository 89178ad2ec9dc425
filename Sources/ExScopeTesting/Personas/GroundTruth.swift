public import ExScopeCore

/// What a correct scan of one simulated host reports: the answer key.
///
/// Status names follow zgrab2's taxonomy as the scanner issue lists them. For
/// hostile hosts the status assumes the scanner's timeouts and size caps are
/// shorter than what the host does (e.g. a drip of 300 ms per byte outlasts any
/// sane per-response timeout).
public struct GroundTruth: Sendable, Hashable, Codable {
    /// The scan status a correct scanner reports (the scanner's own taxonomy).
    public typealias Status = ScanStatus

    /// Deliberate oddities a careful scanner should notice.
    public enum Anomaly: String, Sendable, Hashable, Codable, CaseIterable {
        /// A fake export-tool manifest or pasted Exchange/EXO/SharePoint headers.
        case honeypot
        /// `X-OWA-Version` disagrees with the OWA resource path.
        case versionMismatch = "version-mismatch"
        /// Exactly one Exchange marker and nothing else Exchange-like.
        case singleMarker = "single-marker"
        /// A reverse-proxy pre-auth page replaces the OWA logon page.
        case reverseProxy = "reverse-proxy"
        /// Headers, page, NTLM names or certificate carry script/HTML payloads.
        case scriptPayload = "script-payload"
    }

    /// The status.
    public var status: Status
    /// Whether the host is Exchange (on-premises or Exchange Online).
    public var detected: Bool
    /// Whether the host is Exchange Online (never counted as on-premises).
    public var exchangeOnline: Bool
    /// The catalog product id, e.g. `exchange-2019`.
    public var product: String?
    /// The CU or service pack name, e.g. `CU15`.
    public var cu: String?
    /// The update name when the exact build is a known update, e.g. `Apr25HU`.
    public var update: String?
    /// The build a scanner can establish: four parts when exact, three when CU-only.
    public var build: String?
    /// How much of the build a scanner can establish.
    public var precision: Precision
    /// The tenant GUID in the ActiveSync Bearer challenge (hybrid hint), if any.
    public var hybridTenant: String?
    /// The catalog's status for CVE-2025-53786 at the precision above, if it is on-premises Exchange.
    public var cve202553786: FindingStatus?
    /// The `X-OWA-Version` value the host serves, verbatim (possibly fake or zero-padded).
    public var versionHeader: String?
    /// The NetBIOS name in `X-FEServer` and the NTLM challenge, if any.
    public var serverName: String?
    /// The TLS certificate's subject CN (TLS fleets).
    public var certificateCommonName: String?
    /// Deliberate oddities.
    public var anomalies: Set<Anomaly>

    /// Creates a ground truth record.
    public init(status: Status, detected: Bool = false, exchangeOnline: Bool = false, product: String? = nil,
                cu: String? = nil, update: String? = nil, build: String? = nil, precision: Precision = .none,
                hybridTenant: String? = nil, cve202553786: FindingStatus? = nil, versionHeader: String? = nil,
                serverName: String? = nil, certificateCommonName: String? = nil, anomalies: Set<Anomaly> = []) {
        self.status = status
        self.detected = detected
        self.exchangeOnline = exchangeOnline
        self.product = product
        self.cu = cu
        self.update = update
        self.build = build
        self.precision = precision
        self.hybridTenant = hybridTenant
        self.cve202553786 = cve202553786
        self.versionHeader = versionHeader
        self.serverName = serverName
        self.certificateCommonName = certificateCommonName
        self.anomalies = anomalies
    }
}

extension GroundTruth {
    /// The answer key for `persona`, using `catalog` to name the product, CU, update and verdict.
    /// - Parameters:
    ///   - persona: the host's behaviour.
    ///   - tls: whether the host is scanned over TLS (changes some hostile outcomes).
    ///   - certificate: the certificate the host presents, if TLS.
    ///   - catalog: the knowledge base.
    public static func make(for persona: Persona, tls: Bool, certificate: CertificateSpec?,
                            catalog: Catalog) -> GroundTruth {
        var truth: GroundTruth
        switch persona {
        case .exchange(let server):
            truth = onPrem(build: server.build, cuOnly: server.disclosure == .cuOnly, catalog: catalog)
            truth.hybridTenant = server.hybridTenant
            truth.serverName = server.identity.netBIOSComputerName
            if server.disclosure == .full {
                truth.versionHeader = server.build.description
            }
        case .exchangeOnline(let build):
            truth = GroundTruth(status: .success, detected: true, exchangeOnline: true, versionHeader: build.description,
                                serverName: ExchangeOnlineNames.frontEnd)
        case .honeypot:
            truth = GroundTruth(status: .success, versionHeader: Honeypot.versionHeader, anomalies: [.honeypot])
        case .rewrittenHeader(let real, let claimed, let identity):
            truth = onPrem(build: real, cuOnly: true, catalog: catalog)
            truth.versionHeader = claimed
            truth.serverName = identity.netBIOSComputerName
            truth.anomalies = [.versionMismatch]
        case .reverseProxy(let server):
            truth = onPrem(build: server.build, cuOnly: false, catalog: catalog)
            truth.versionHeader = server.build.description
            truth.serverName = server.identity.netBIOSComputerName
            truth.anomalies = [.reverseProxy]
        case .phishingClone:
            truth = GroundTruth(status: .success, anomalies: [.singleMarker])
        case .webServer:
            truth = GroundTruth(status: .success)
        case .scriptInjection(let build):
            truth = onPrem(build: build, cuOnly: false, catalog: catalog)
            truth.versionHeader = build.description
            truth.serverName = ScriptPayloads.netBIOSName
            truth.anomalies = [.scriptPayload]
        case .hostile(let mode):
            truth = GroundTruth(status: status(of: mode, tls: tls))
        }
        if tls, truth.status != .connectionRefused {
            truth.certificateCommonName = certificate?.commonName
        }
        return truth
    }

    /// The status a correct scanner gives `mode`.
    static func status(of mode: HostileMode, tls: Bool) -> Status {
        switch mode {
        case .refuse: .connectionRefused
        // A silent peer: the TLS handshake (or the first response) times out.
        case .acceptThenHang, .hangAfterRequest, .slowDrip: .ioTimeout
        case .garbage: tls ? .tlsError : .protocolError
        case .garbageAfterHandshake, .truncatedHeaders, .resetMidResponse: .protocolError
        case .oversizedHeaders, .oversizedBody, .endlessBody: .limitExceeded
        case .plainTextOnTLSPort, .tlsAbort: tls ? .tlsError : .protocolError
        }
    }

    private static func onPrem(build: BuildNumber, cuOnly: Bool, catalog: Catalog) -> GroundTruth {
        let text = cuOnly && build.major >= 15 ? build.cuPrefix : build.description
        var truth = GroundTruth(status: .success, detected: true, build: text, precision: cuOnly && build.major >= 15 ? .cu : .exact)
        if let verdict = try? catalog.verdict(for: text, asOf: catalog.date) {
            truth.product = verdict.product.id
            truth.cu = verdict.line?.name
            truth.update = verdict.update?.name
            truth.cve202553786 = verdict.findings.first { $0.id == "CVE-2025-53786" }?.status
        }
        return truth
    }
}
