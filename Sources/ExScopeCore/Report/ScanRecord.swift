/// One line of `exscope scan` output: one target, what happened, and what ExScope
/// concluded. Schema `exscope.scan/1`, published as `schemas/scan-v1.schema.json`.
public struct ScanRecord: Sendable, Hashable, Codable {
    public static let schemaID = "exscope.scan/1"

    /// What the fingerprint says about Exchange.
    public struct Exchange: Sendable, Hashable, Codable {
        public var detected: Bool
        public var confidence: HostProfile.Confidence
        public var exchangeOnline: Bool
        public var anomalies: [HostProfile.Anomaly]
        public var signals: [HostProfile.Signal]
        /// Every distinct build seen, with its sources (more than one means the sources disagree).
        public var candidates: [HostProfile.BuildCandidate]

        public init(detected: Bool, confidence: HostProfile.Confidence, exchangeOnline: Bool, anomalies: [HostProfile.Anomaly],
                    signals: [HostProfile.Signal], candidates: [HostProfile.BuildCandidate]) {
            self.detected = detected
            self.confidence = confidence
            self.exchangeOnline = exchangeOnline
            self.anomalies = anomalies
            self.signals = signals
            self.candidates = candidates
        }
    }

    /// Whether OAuth to Microsoft 365 is configured (a hybrid hint).
    public struct Hybrid: Sendable, Hashable, Codable {
        public var likely: Bool
        /// The first tenant id seen in a Bearer challenge.
        public var tenantId: String?
    }

    /// One request the scanner sent and the status it got.
    public struct Request: Sendable, Hashable, Codable {
        public var path: String
        public var status: Int
    }

    public var schema = ScanRecord.schemaID
    /// The scan this record belongs to, when it is written to a store.
    public var scan: String?
    public var ip: String?
    public var port: Int
    /// The name scanned and sent as SNI and Host, if any.
    public var hostname: String?
    /// When the target's scan started (RFC 3339, UTC).
    public var timestamp: String
    public var durationMs: Int
    public var status: ScanStatus
    /// What ended the conversation early, if anything (bounded, one line).
    public var error: String?
    public var exchange: Exchange?
    public var build: String?
    public var precision: Precision
    public var product: String?
    public var productId: String?
    public var cu: String?
    public var update: String?
    public var support: SupportStatus?
    public var supportReason: String?
    public var asOf: CalendarDate
    public var catalogDate: CalendarDate
    /// Why there is no verdict when a build was seen (e.g. `15.2` alone is 2019 or SE).
    public var verdictNote: String?
    /// The same finding objects as `exscope build`.
    public var findings: [Finding]
    public var evidence: [HostProfile.EvidenceItem]
    public var identity: HostProfile.Identity?
    public var hybrid: Hybrid
    public var tls: CertificateSummary?
    public var requests: [Request]

    /// Builds the record for one target.
    /// - Parameters:
    ///   - address, port, hostname: the target.
    ///   - timestamp: RFC 3339 start time (the core has no clock, so it is passed in).
    public init(address: IPAddress?, port: Int, hostname: String?, timestamp: String, durationMs: Int, status: ScanStatus,
                error: String?, evidence raw: HostEvidence, profile: HostProfile?, asOf: CalendarDate, catalogDate: CalendarDate) {
        ip = address?.description
        self.port = port
        self.hostname = hostname
        self.timestamp = timestamp
        self.durationMs = durationMs
        self.status = status
        self.error = error
        self.asOf = asOf
        self.catalogDate = catalogDate
        tls = raw.certificate
        requests = raw.responses.map { Request(path: $0.path, status: $0.status) }
        guard let profile else {
            precision = .none
            findings = []
            evidence = []
            hybrid = Hybrid(likely: false, tenantId: nil)
            return
        }
        exchange = Exchange(detected: profile.detected, confidence: profile.confidence, exchangeOnline: profile.exchangeOnline,
                            anomalies: profile.anomalies, signals: profile.signals, candidates: profile.candidates)
        build = profile.build
        precision = profile.precision
        evidence = profile.evidence
        identity = profile.identity
        hybrid = Hybrid(likely: profile.hybrid.likely, tenantId: profile.hybrid.tenantIds.first)
        verdictNote = profile.verdictNote
        if let verdict = profile.verdict {
            product = verdict.product
            productId = verdict.productId
            cu = verdict.cu
            update = verdict.update
            support = verdict.support
            supportReason = verdict.supportReason
            findings = verdict.findings
        } else {
            findings = []
        }
    }

    /// The status of one finding, e.g. `CVE-2025-53786`.
    public func finding(_ id: String) -> FindingStatus? { findings.first { $0.id == id }?.status }
}
