/// What fingerprinting concluded about one host: the output of ``Fingerprinter``.
///
/// Everything is kept: each piece of evidence with its source, every build
/// candidate, and the anomalies. When sources disagree, ``build`` holds only the
/// part they agree on and ``precision`` drops accordingly.
public struct HostProfile: Sendable, Hashable, Codable {
    /// The schema name and version of this object.
    public static let schemaID = "exscope.fingerprint/1"

    /// How sure the profile is that the host is on-premises Exchange at ``build``.
    public enum Confidence: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case low, medium, high

        /// 0, 1, 2 from low to high: how the store and the dashboard keep a confidence as a number.
        public var rank: Int {
            switch self {
            case .low: 0
            case .medium: 1
            case .high: 2
            }
        }

        /// The confidence of a ``rank`` (out-of-range ranks are clamped).
        public init(rank: Int) {
            self = rank <= 0 ? .low : rank == 1 ? .medium : .high
        }

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }

        /// One step lower (low stays low).
        var lowered: Self { self == .high ? .medium : .low }
    }

    /// Where a piece of evidence came from.
    public enum Source: String, Sendable, Hashable, Codable, CaseIterable {
        case owaVersionHeader = "x-owa-version"
        case serverApplicationHeader = "x-serverapplication"
        case logonPagePath = "logon-page-path"
        case logonPageMarkers = "logon-page-markers"
        case exportTool = "export-tool"
        case identityHeaders = "identity-headers"
        case authChallenge = "www-authenticate"
        case ntlmChallenge = "ntlm-challenge"
        case bearerChallenge = "bearer-challenge"
        case exchangeCookie = "exchange-cookie"
        case redirect
        case preAuthPage = "pre-auth-page"
        case sharePointHeaders = "sharepoint-headers"
        case exchangeOnline = "exchange-online"
        case certificate
    }

    /// An independent reason to believe the host runs Exchange. Two are needed for ``detected``.
    public enum Signal: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case owaVersionHeader = "owa-version-header"
        case serverApplicationHeader = "server-application-header"
        case logonPage = "logon-page"
        case identityHeaders = "identity-headers"
        case exportTool = "export-tool"
        case owaRedirect = "owa-redirect"
        case errorRedirect = "error-redirect"
        case exchangeCookie = "exchange-cookie"
        case exchangeBearer = "exchange-bearer"
        case ntlmOnExchangePath = "ntlm-on-exchange-path"

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One observation, with where it was seen.
    public struct EvidenceItem: Sendable, Hashable, Codable {
        public var source: Source
        /// The request path of the response it came from (sanitized).
        public var path: String
        /// What was seen, sanitized and bounded.
        public var value: String
        /// The build it shows, if any, as written at its precision.
        public var build: String?
        public var precision: Precision?
    }

    /// One build value and every source that showed it.
    public struct BuildCandidate: Sendable, Hashable, Codable {
        /// Four parts for exact sources, three for CU-only ones.
        public var build: String
        public var precision: Precision
        public var sources: [Source]

        public init(build: String, precision: Precision, sources: [Source]) {
            self.build = build
            self.precision = precision
            self.sources = sources
        }
    }

    /// A contradiction or deception sign. Codes are stable, lowercase and hyphenated.
    public struct Anomaly: Sendable, Hashable, Codable {
        public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
            /// The CU in the logon page path is not the CU of an exact build.
            case pathCUMismatch = "path-cu-mismatch"
            /// The export tool manifest build differs from the `X-OWA-Version` build.
            case exportToolHeaderMismatch = "exporttool-header-mismatch"
            /// Responses carry different `X-OWA-Version` values.
            case owaVersionConflict = "owa-version-conflict"
            /// The logon page references more than one version folder.
            case logonPathConflict = "logon-path-conflict"
            /// `X-ServerApplication` differs from another exact build.
            case serverApplicationMismatch = "server-application-mismatch"
            /// The manifest's `assemblyIdentity` versions disagree.
            case exportToolInconsistent = "exporttool-inconsistent"
            /// The manifest's public key token is all zeros (honeypot bait).
            case honeypotToken = "honeypot-token"
            /// The manifest version is a placeholder such as `15.0.0.0` (honeypot bait).
            case honeypotVersion = "honeypot-version"
            /// The manifest has `Example Corp.` / `example.invalid` values (honeypot bait).
            case honeypotExampleValues = "honeypot-example-values"
            /// A `15.20` (Exchange Online) build on a host off Microsoft's network.
            case exchangeOnlineBuildOffMicrosoft = "exchange-online-build-off-microsoft"
            /// Exchange Online headers or names on a host off Microsoft's network.
            case exchangeOnlineHeadersOffMicrosoft = "exchange-online-headers-off-microsoft"
            /// Exchange Online tells together with an on-premises build and no way to tell which holds.
            case exchangeOnlineTellsWithOnPremBuild = "exchange-online-tells-with-on-prem-build"
            /// Exchange and SharePoint headers in one response (deception configs add both).
            case exchangeAndSharePointHeaders = "exchange-and-sharepoint-headers"
            /// An `X-OWA-Version` header is present but not a version (rewritten or garbage).
            case malformedVersionHeader = "malformed-version-header"

            /// Signs of a fake rather than of a disagreement: these force low confidence.
            var isDeception: Bool {
                switch self {
                case .honeypotToken, .honeypotVersion, .honeypotExampleValues, .exchangeOnlineBuildOffMicrosoft,
                     .exchangeOnlineHeadersOffMicrosoft, .exchangeAndSharePointHeaders:
                    true
                default:
                    false
                }
            }
        }

        public var code: Code
        /// One sentence naming the values that disagree.
        public var text: String

        public init(code: Code, text: String) {
            self.code = code
            self.text = text
        }
    }

    /// Evidence that was present but could not be parsed.
    public struct Rejected: Sendable, Hashable, Codable {
        public var source: Source
        public var path: String
        public var code: FingerprintError.Code
        public var reason: String
    }

    /// Whether OAuth to Microsoft 365 looks configured (a hybrid hint, not proof).
    public struct Hybrid: Sendable, Hashable, Codable {
        /// A Bearer challenge named a tenant GUID as trusted issuer.
        public var likely: Bool
        /// The tenant GUIDs seen, lowercased.
        public var tenantIds: [String]

        public init(likely: Bool, tenantIds: [String]) {
            self.likely = likely
            self.tenantIds = tenantIds
        }
    }

    /// Who the server says it is.
    public struct Identity: Sendable, Hashable, Codable {
        /// Names from `X-FEServer`, `X-BEServer`, `X-CalculatedBETarget`, `X-DiagInfo`.
        public var serverNames: [String]
        public var netBIOSComputerName: String?
        public var netBIOSDomainName: String?
        public var dnsComputerName: String?
        public var dnsDomainName: String?
        public var dnsTreeName: String?
        /// The Windows version from the NTLM challenge, e.g. `10.0.17763`.
        public var osVersion: String?
        /// The Windows Server release for ``osVersion``, when known.
        public var osName: String?
        /// The certificate subject CN and SANs.
        public var certificateNames: [String]
    }

    public var schema: String
    /// Whether at least two independent Exchange signals were seen.
    public var detected: Bool
    public var confidence: Confidence
    /// Whether the host is Exchange Online (Microsoft 365): never counted as on-premises.
    public var exchangeOnline: Bool
    /// The build the sources agree on, at ``precision``; `nil` when nothing is agreed or not detected.
    public var build: String?
    public var precision: Precision
    /// Every distinct build seen, with its sources.
    public var candidates: [BuildCandidate]
    /// The Exchange signals seen, sorted.
    public var signals: [Signal]
    public var evidence: [EvidenceItem]
    public var hybrid: Hybrid
    public var identity: Identity
    public var anomalies: [Anomaly]
    public var rejected: [Rejected]
    /// The knowledge-base verdict for ``build``; `nil` when no build, not detected, or Exchange Online.
    public var verdict: BuildReport?
    /// Why ``verdict`` is `nil` when a build was chosen (e.g. 15.2 alone is 2019 or SE).
    public var verdictNote: String?

    /// Whether an anomaly with `code` is present.
    public func hasAnomaly(_ code: Anomaly.Code) -> Bool { anomalies.contains { $0.code == code } }
}
