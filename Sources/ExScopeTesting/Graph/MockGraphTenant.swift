public import ExScopeCore
import Foundation

/// One simulated Entra tenant behind ``MockGraphServer``: its sign-in secrets, the shared
/// service principal, the apps holding `full_access_as_app`, audit events and misbehaviours.
public struct MockGraphTenant: Sendable {
    /// Misbehaviours the tests need.
    public struct Behaviour: Sendable {
        /// The first `count` Graph requests answer 429 with `Retry-After: seconds`.
        public var throttle: (count: Int, retryAfterSeconds: Int)?
        /// The first access token issued is already expired (Graph answers 401 to it).
        public var expireFirstToken = false
        /// Collections are split into pages of this size with `@odata.nextLink`.
        public var pageSize: Int?
        /// Graph GETs answer with truncated JSON.
        public var malformedJSON = false
        /// The tenant has no Entra ID P1/P2: sign-in logs answer 403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`.
        public var withoutPremiumLicence = false
        /// The application permissions the signed-in app holds.
        public var permissions: Set<String> = ["Application.Read.All", "Application.ReadWrite.All", "AuditLog.Read.All"]
        /// A hostile server: when it returns an answer for a request (method, path with query, headers,
        /// body), that answer is sent instead of the tenant's own.
        public var hostile: (@Sendable (_ method: String, _ path: String, _ headers: [(String, String)], _ body: [UInt8]) -> HostileAnswer?)?
        public init() {}
    }

    /// What a ``Behaviour/hostile`` server answers.
    public struct HostileAnswer: Sendable {
        public var status: Int
        public var body: String
        public var headers: [(String, String)]
        /// Send the body one byte at a time, this far apart (the head at once).
        public var drip: Duration?
        public init(status: Int, body: String, headers: [(String, String)] = [], drip: Duration? = nil) {
            self.status = status
            self.body = body
            self.headers = headers
            self.drip = drip
        }
    }

    /// An app with `full_access_as_app` (or the dedicated app by name).
    public struct App: Sendable {
        public var application: Application?
        public var servicePrincipal: ServicePrincipal
        /// When admin consent was granted; `nil` = no consent.
        public var consentedAt: Timestamp?
        public init(application: Application?, servicePrincipal: ServicePrincipal, consentedAt: Timestamp?) {
            self.application = application
            self.servicePrincipal = servicePrincipal
            self.consentedAt = consentedAt
        }
    }

    public var tenantId: String
    public var clientId: String
    public var clientSecret: String
    /// The certificate registered for client assertions (upper-case hex SHA-1) and its RSA public key (DER SPKI).
    public var assertionCertificate: (thumbprint: String, publicKeyDER: [UInt8])?
    public var sharedPrincipal: ServicePrincipal?
    public var apps: [App]
    /// Directory audit events as raw JSON objects.
    public var audits: [String]
    /// Sign-in events (beta `auditLogs/signIns`) as raw JSON objects.
    public var signIns: [String]
    public var behaviour: Behaviour

    public init(tenantId: String = MockGraphTenant.defaultTenantId, clientId: String = MockGraphTenant.defaultClientId,
                clientSecret: String, sharedPrincipal: ServicePrincipal?, apps: [App] = [], audits: [String] = [], signIns: [String] = [],
                behaviour: Behaviour = Behaviour()) {
        self.tenantId = tenantId
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.sharedPrincipal = sharedPrincipal
        self.apps = apps
        self.audits = audits
        self.signIns = signIns
        self.behaviour = behaviour
    }

    public static let defaultTenantId = "f8a1c2d3-4b5e-4f60-8a7b-9c0d1e2f3a4b"
    public static let defaultClientId = "535fb089-9ff3-47b6-9bfb-4f1264799865"
    /// The organisation GUID the inventory fixtures use.
    public static let organizationGuid = "0626ac82-7d72-41c7-9e9b-720b27611111"
    /// The inventory fixtures' current auth certificate.
    public static let currentAuthThumbprint = "C3EDCF181EF4F9B53D01768ECA99564014BCA6E7"
    public static let sharedPrincipalId = "f724f499-b1fc-4915-b3c1-f0a219aa18ab"
    public static let dedicatedAppId = "f280f262-fda1-41b5-8bb0-d917ac011111"

    static func date(_ text: String) -> Timestamp { Timestamp(iso8601: text) ?? Timestamp(secondsSinceEpoch: 0) }

    /// A key as HCW put it on the shared principal: the current auth certificate.
    public static let hybridKey = KeyCredential(
        keyId: "f020b4e8-be3a-4a5e-926f-fa24b14ef865", customKeyIdentifier: currentAuthThumbprint,
        displayName: "CN=Microsoft Exchange Server Auth Certificate", startDateTime: date("2023-03-15T10:12:00Z"),
        endDateTime: date("2028-03-14T10:12:00Z"), key: "TUlJREFEQ0NBZWlnQXdJQkFnSVFhdXRoY2VydA==")
    /// An old expired key without an identifier.
    public static let expiredKey = KeyCredential(
        keyId: "0b1d6f1e-2f0c-4c3a-9c59-8b3f3a0f9e11", customKeyIdentifier: "1111111111111111111111111111111111111111", displayName: "CN=Microsoft Exchange Server Auth Certificate",
        startDateTime: date("2019-01-01T00:00:00Z"), endDateTime: date("2024-01-01T00:00:00Z"), key: "TUlJQ29sZGV4cGlyZWQ=")
    /// A key nobody on-premises knows.
    public static let foreignKey = KeyCredential(
        keyId: "9e7d5c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f", customKeyIdentifier: "DEADBEEF00112233445566778899AABBCCDDEEFF",
        displayName: "CN=evil", startDateTime: date("2026-09-01T21:20:02.7215374Z"), endDateTime: date("2027-09-01T21:20:02Z"), key: "TUlJQ2ZvcmVpZ24=")

    static func shared(_ keys: [KeyCredential]) -> ServicePrincipal {
        ServicePrincipal(id: sharedPrincipalId, appId: HybridIdentifiers.exchangeOnlineAppId, displayName: "Office 365 Exchange Online",
                         appOwnerOrganizationId: "f8cdef31-a31e-4b4a-93e4-5f571e91255a", keyCredentials: keys)
    }

    /// The dedicated app as `ConfigureExchangeHybridApplication.ps1` creates it.
    public static func dedicatedApp(consented: Bool = true, certificate: Bool = true) -> App {
        let name = HybridIdentifiers.dedicatedAppName(organizationGuid: organizationGuid)
        let key = KeyCredential(keyId: "c83c7a52-e7c7-4a57-a9f9-a233ffc11111", customKeyIdentifier: currentAuthThumbprint,
                                displayName: "Added by ConfigureExchangeHybridApplication.ps1 on 08/08/2025 10:47:33",
                                startDateTime: date("2023-03-15T10:12:00Z"), endDateTime: date("2028-03-14T10:12:00Z"))
        let application = Application(
            id: "bda8800d-5e23-4390-a339-10ed0f511111", appId: dedicatedAppId, displayName: name, signInAudience: "AzureADMyOrg",
            createdDateTime: date("2025-08-08T10:47:30Z"),
            requiredResourceAccess: [.init(resourceAppId: HybridIdentifiers.exchangeOnlineAppId, resourceAccess: [.init(id: HybridIdentifiers.fullAccessAsAppRoleId, type: "Role")])],
            keyCredentials: certificate ? [key] : [], passwordCredentials: [])
        return App(application: application,
                   servicePrincipal: ServicePrincipal(id: "41d02381-b3db-4c72-bbbc-09c350c11111", appId: dedicatedAppId, displayName: name),
                   consentedAt: consented ? date("2025-08-08T10:47:31.1234567Z") : nil)
    }

    /// A third-party app with mailbox-wide access.
    public static let backupApp = App(
        application: Application(id: "aaaa1111-0000-4000-8000-000000000001", appId: "aaaa2222-0000-4000-8000-000000000002", displayName: "Contoso Mail Backup",
                                 signInAudience: "AzureADMyOrg", requiredResourceAccess: [.init(resourceAppId: HybridIdentifiers.exchangeOnlineAppId, resourceAccess: [.init(id: HybridIdentifiers.fullAccessAsAppRoleId, type: "Role")])],
                                 keyCredentials: [], passwordCredentials: [PasswordCredential(keyId: "p1", displayName: "backup", hint: "abc", startDateTime: nil, endDateTime: nil)]),
        servicePrincipal: ServicePrincipal(id: "aaaa3333-0000-4000-8000-000000000003", appId: "aaaa2222-0000-4000-8000-000000000002", displayName: "Contoso Mail Backup"),
        consentedAt: date("2024-02-02T09:00:00Z"))

    // MARK: The tenants the tests need

    /// Never hybrid: no keys, no app.
    public static func neverHybrid(secret: String) -> Self { Self(clientSecret: secret, sharedPrincipal: shared([])) }
    /// Hybrid (HCW), nothing done: the auth certificate on the shared principal, no dedicated app.
    public static func hybridNothingDone(secret: String) -> Self { Self(clientSecret: secret, sharedPrincipal: shared([hybridKey, expiredKey])) }
    /// The dedicated app is deployed, but the shared principal still has its keys.
    public static func dedicatedAppSharedKeysRemain(secret: String) -> Self {
        Self(clientSecret: secret, sharedPrincipal: shared([hybridKey]), apps: [dedicatedApp(), backupApp],
             signIns: [MockSignIns.dedicatedApp, MockSignIns.outlookOnTheWeb])
    }
    /// Fully remediated: only the dedicated app signs in with a certificate.
    public static func fullyRemediated(secret: String) -> Self {
        Self(clientSecret: secret, sharedPrincipal: shared([]), apps: [dedicatedApp()], signIns: [MockSignIns.dedicatedApp, MockSignIns.outlookOnTheWeb])
    }
    /// A foreign key on the shared principal, the audit event that added it, and sign-ins with it.
    public static func foreignKey(secret: String) -> Self {
        Self(clientSecret: secret, sharedPrincipal: shared([hybridKey, foreignKey]), apps: [dedicatedApp()],
             audits: [MockAudits.foreignKeyAdded, MockAudits.backupConsent, MockAudits.dedicatedConsent],
             signIns: [MockSignIns.dedicatedApp, MockSignIns.foreignKeyRejected, MockSignIns.foreignKey, MockSignIns.outlookOnTheWeb])
    }
    /// The dedicated app exists without admin consent.
    public static func appWithoutConsent(secret: String) -> Self {
        Self(clientSecret: secret, sharedPrincipal: shared([]), apps: [dedicatedApp(consented: false)])
    }
}
