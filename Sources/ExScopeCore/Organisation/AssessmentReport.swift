/// The status of one ED 25-02 required action, for the organisation or one server.
public enum ActionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The action is done, with evidence.
    case done
    /// Something must still be done; `next` says what.
    case actionRequired = "action-required"
    /// The action does not apply (e.g. hybrid steps in an organisation that never ran hybrid).
    case notApplicable = "not-applicable"
    /// ExScope lacks the data to tell (e.g. no Graph access, or a CSV inventory).
    case unknown
    /// A key on the shared service principal matches no on-premises certificate.
    case compromiseSuspected = "compromise-suspected"

    /// Orders statuses by how much they need attention: the worst one summarises a list.
    public var severity: Int {
        switch self {
        case .notApplicable: 0
        case .done: 1
        case .unknown: 2
        case .actionRequired: 3
        case .compromiseSuspected: 4
        }
    }

    /// Whether this status makes `exscope assess` exit 1.
    public var needsAction: Bool { self == .actionRequired || self == .compromiseSuspected }

    /// The worst of several statuses (`notApplicable` for none).
    public static func worst(_ statuses: some Sequence<ActionStatus>) -> ActionStatus {
        statuses.max { $0.severity < $1.severity } ?? .notApplicable
    }
}

/// The required actions of ED 25-02 plus the checks that keep the fix working.
public enum ActionID: String, Sendable, Hashable, Codable, CaseIterable {
    case inventory
    case disconnectIneligible = "disconnect-ineligible"
    case latestCUAndHotfix = "latest-cu-and-hotfix"
    case dedicatedHybridApp = "dedicated-hybrid-app"
    case hybridAppOverride = "hybrid-app-override"
    case authServerAppId = "auth-server-app-id"
    case servicePrincipalCleanUp = "service-principal-clean-up"
    case authCertificate = "auth-certificate"
    case exchangeSEGraphMove = "exchange-se-graph-move"

    /// A short title for tables and reports.
    public var title: String {
        switch self {
        case .inventory: "Inventory every Exchange server"
        case .disconnectIneligible: "Disconnect servers that cannot take the April 2025 hotfix"
        case .latestCUAndHotfix: "Latest CU plus the April 2025 (or later) hotfix"
        case .dedicatedHybridApp: "Deploy the dedicated Exchange hybrid app"
        case .hybridAppOverride: "Setting override EnableExchangeHybrid3PAppFeature (Enabled=true)"
        case .authServerAppId: "EvoSTS AuthServer carries the dedicated app's id"
        case .servicePrincipalCleanUp: "Service Principal Clean-Up Mode: no keys on the shared service principal"
        case .authCertificate: "Exchange auth certificate valid for more than 60 days"
        case .exchangeSEGraphMove: "Exchange SE: hybrid calls move from EWS to Graph (May 2026 HU)"
        }
    }

    /// Where the action comes from.
    public var basis: String {
        switch self {
        case .inventory: "ED 25-02 action 1"
        case .disconnectIneligible: "ED 25-02 action 2"
        case .latestCUAndHotfix: "ED 25-02 actions 3-4"
        case .dedicatedHybridApp, .hybridAppOverride, .authServerAppId: "ED 25-02 action 4 (Microsoft: deploy dedicated Exchange hybrid app)"
        case .servicePrincipalCleanUp: "ED 25-02 action 4 (Service Principal Clean-Up Mode)"
        case .authCertificate: "keeps hybrid OAuth working"
        case .exchangeSEGraphMove: "Microsoft: EWS in Exchange Online is switched off in April 2027"
        }
    }
}

/// One action's result for one server.
public struct ServerActionResult: Sendable, Hashable, Codable {
    public var server: String
    public var status: ActionStatus
    public var evidence: [String]
    /// The exact next command or step, when something is to be done.
    public var next: String?
}

/// One required action for the organisation, with its per-server results.
public struct ActionResult: Sendable, Hashable, Codable {
    public var id: ActionID
    public var title: String
    public var basis: String
    public var status: ActionStatus
    public var evidence: [String]
    public var next: String?
    /// Per-server results, for the actions that are done server by server.
    public var servers: [ServerActionResult]

    init(_ id: ActionID, _ status: ActionStatus, _ evidence: [String], next: String? = nil, servers: [ServerActionResult] = []) {
        self.id = id
        self.title = id.title
        self.basis = id.basis
        self.status = status
        self.evidence = evidence
        self.next = next
        self.servers = servers
    }
}

/// A server's build facts.
public struct ServerSummary: Sendable, Hashable, Codable {
    public var name: String
    public var roles: [String]
    public var isEdge: Bool
    /// The build evidence as given (ExSetup.exe version, else AdminDisplayVersion).
    public var build: String?
    public var product: String?
    public var productId: String?
    public var cu: String?
    public var update: String?
    /// CVE-2025-53786 for this build.
    public var hotfix: FindingStatus?
    /// The first build of this CU with the April 2025 hotfix, when one exists.
    public var fixedIn: String?
    public var support: SupportStatus?
    /// Why the build could not be judged, when it could not.
    public var problem: String?
}

/// How a key on a service principal relates to the on-premises auth certificates.
public enum KeyMatch: String, Sendable, Hashable, Codable {
    case current, next, previous
    /// An auth certificate found on a server that `Get-AuthConfig` no longer names.
    case otherAuthCertificate = "other-auth-certificate"
    /// Matches no on-premises certificate: not Exchange's.
    case foreign
    /// No on-premises certificate data to compare with.
    case unverified
}

/// One key on a service principal or app.
public struct KeyReport: Sendable, Hashable, Codable {
    public var keyId: String?
    public var thumbprint: String?
    public var displayName: String?
    public var startDateTime: Timestamp?
    public var endDateTime: Timestamp?
    public var expired: Bool
    public var match: KeyMatch
}

/// The shared service principal as found.
public struct SharedPrincipalReport: Sendable, Hashable, Codable {
    public var objectId: String
    public var keys: [KeyReport]
    /// Number of client secrets (Graph never returns the secrets themselves).
    public var passwordCredentials: Int
    /// PASS only when there are no keys and no secrets.
    public var clean: Bool
}

/// An app holding (or asking for) `full_access_as_app`.
public struct AppReport: Sendable, Hashable, Codable {
    public enum Role: String, Sendable, Hashable, Codable {
        /// The dedicated Exchange hybrid app.
        case dedicatedHybridApp = "dedicated-hybrid-app"
        /// Any other non-human identity with mailbox-wide access.
        case otherMailboxWideAccess = "other-mailbox-wide-access"
    }

    public var role: Role
    public var displayName: String
    public var appId: String
    public var applicationObjectId: String?
    public var servicePrincipalId: String?
    public var requestsFullAccessAsAppRole: Bool
    public var adminConsent: Bool
    public var consentedAt: Timestamp?
    public var signInAudience: String?
    public var keys: [KeyReport]
    public var passwordCredentials: Int
    public var problems: [String]
}

/// A warning about a dangerous combination.
public struct AssessmentWarning: Sendable, Hashable, Codable {
    public enum Code: String, Sendable, Hashable, Codable {
        /// The clean-up was done while a server is below the hotfix: hybrid is broken for it.
        case cleanedUpWhileServerBelowHotfix = "cleaned-up-while-server-below-hotfix"
        /// Servers are patched but the shared principal still has keys: still exposed.
        case patchedButNotCleanedUp = "patched-but-not-cleaned-up"
    }
    public var code: Code
    public var message: String
}

/// The ED 25-02 report for one organisation: what `exscope assess` prints and saves.
public struct AssessmentReport: Sendable, Hashable, Codable {
    public static let schemaID = "exscope.assessment/1"

    public var schema: String
    public var generatedAt: Timestamp
    public var asOf: CalendarDate
    public var catalogDate: CalendarDate
    public var organizationName: String?
    public var organizationGuid: String?
    public var tenantId: String?
    /// Where the inventory came from; `nil` without one.
    public var inventorySource: Inventory.Source?
    /// Whether Entra was read.
    public var tenantRead: Bool
    /// Whether the organisation operates or has operated Exchange hybrid; `nil` when unknown.
    public var hybrid: Bool?
    public var hybridEvidence: [String]
    /// The worst action status.
    public var overall: ActionStatus
    /// Whether any action is `action-required` or `compromise-suspected` (exit code 1).
    public var needsAction: Bool
    public var actions: [ActionResult]
    public var servers: [ServerSummary]
    public var sharedPrincipal: SharedPrincipalReport?
    public var apps: [AppReport]
    public var warnings: [AssessmentWarning]
    /// Steps to hunt for abuse, when a compromise is suspected.
    public var huntingSteps: [String]
    /// What ExScope cannot know from its inputs.
    public var limits: [String]

    /// The action with this id.
    public func action(_ id: ActionID) -> ActionResult? { actions.first { $0.id == id } }
}
