/// Well-known identifiers of the Exchange hybrid trust.
public enum HybridIdentifiers {
    /// The "Office 365 Exchange Online" first-party app: the shared service principal.
    public static let exchangeOnlineAppId = "00000002-0000-0ff1-ce00-000000000000"
    /// `full_access_as_app`: "Use Exchange Web Services with full access to all mailboxes".
    public static let fullAccessAsAppRoleId = "dc890d15-9560-4a4c-9b7f-a736ec74ec40"
    /// Microsoft Graph's appId (the newer script adds Graph roles for the May 2026 HU).
    public static let microsoftGraphAppId = "00000003-0000-0000-c000-000000000000"
    /// The name `ConfigureExchangeHybridApplication.ps1` gives the dedicated app.
    public static func dedicatedAppName(organizationGuid: String) -> String { "ExchangeServerApp-\(organizationGuid)" }
}

/// A `keyCredential` as Graph returns it. `key` (the public certificate) is never needed
/// by the checks and is kept only for backup files.
public struct KeyCredential: Sendable, Hashable, Codable {
    public var keyId: String?
    /// Usually the upper-case hex SHA-1 thumbprint; may be null or base64 of other bytes.
    public var customKeyIdentifier: String?
    public var displayName: String?
    public var startDateTime: Timestamp?
    public var endDateTime: Timestamp?
    /// Base64 DER of the public certificate; `null` unless asked for with `$select`.
    public var key: String?
    public var type: String?
    public var usage: String?

    public init(keyId: String?, customKeyIdentifier: String?, displayName: String?, startDateTime: Timestamp?, endDateTime: Timestamp?,
                key: String? = nil, type: String? = "AsymmetricX509Cert", usage: String? = "Verify") {
        self.keyId = keyId
        self.customKeyIdentifier = customKeyIdentifier
        self.displayName = displayName
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
        self.key = key
        self.type = type
        self.usage = usage
    }

    /// The thumbprint this credential names, when `customKeyIdentifier` is one
    /// (hex, or base64 of the 20 thumbprint bytes).
    public var thumbprint: String? {
        guard let identifier = customKeyIdentifier, !identifier.isEmpty else { return nil }
        if let hex = Thumbprint.normalised(identifier) { return hex }
        if let bytes = LenientBase64.decode(identifier), bytes.count == 20 {
            return bytes.map { byte in
                let digits = Array("0123456789ABCDEF")
                return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
            }.joined()
        }
        return nil
    }

    /// Whether the credential has expired at `now`.
    public func isExpired(at now: Timestamp) -> Bool { endDateTime.map { $0 < now } ?? false }
}

/// A `passwordCredential` (client secret). Graph never returns the secret itself, only a hint.
public struct PasswordCredential: Sendable, Hashable, Codable {
    public var keyId: String?
    public var displayName: String?
    public var hint: String?
    public var startDateTime: Timestamp?
    public var endDateTime: Timestamp?

    public init(keyId: String?, displayName: String?, hint: String?, startDateTime: Timestamp?, endDateTime: Timestamp?) {
        self.keyId = keyId
        self.displayName = displayName
        self.hint = hint
        self.startDateTime = startDateTime
        self.endDateTime = endDateTime
    }
}

/// The parts of a `servicePrincipal` ExScope reads.
public struct ServicePrincipal: Sendable, Hashable, Codable {
    public var id: String
    public var appId: String
    public var displayName: String?
    public var appOwnerOrganizationId: String?
    public var keyCredentials: [KeyCredential]
    public var passwordCredentials: [PasswordCredential]

    public init(id: String, appId: String, displayName: String?, appOwnerOrganizationId: String? = nil,
                keyCredentials: [KeyCredential] = [], passwordCredentials: [PasswordCredential] = []) {
        self.id = id
        self.appId = appId
        self.displayName = displayName
        self.appOwnerOrganizationId = appOwnerOrganizationId
        self.keyCredentials = keyCredentials
        self.passwordCredentials = passwordCredentials
    }

    enum CodingKeys: String, CodingKey { case id, appId, displayName, appOwnerOrganizationId, keyCredentials, passwordCredentials }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        appId = try c.decodeIfPresent(String.self, forKey: .appId) ?? ""
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        appOwnerOrganizationId = try c.decodeIfPresent(String.self, forKey: .appOwnerOrganizationId)
        keyCredentials = try c.decodeList(KeyCredential.self, forKey: .keyCredentials)
        passwordCredentials = try c.decodeList(PasswordCredential.self, forKey: .passwordCredentials)
    }
}

/// An `application` (app registration) with what the checks need.
public struct Application: Sendable, Hashable, Codable {
    /// `requiredResourceAccess` entry.
    public struct RequiredResourceAccess: Sendable, Hashable, Codable {
        public struct ResourceAccess: Sendable, Hashable, Codable {
            public var id: String
            /// `Role` (application permission) or `Scope` (delegated).
            public var type: String
            public init(id: String, type: String) { self.id = id; self.type = type }
        }
        public var resourceAppId: String
        public var resourceAccess: [ResourceAccess]
        public init(resourceAppId: String, resourceAccess: [ResourceAccess]) {
            self.resourceAppId = resourceAppId
            self.resourceAccess = resourceAccess
        }
    }

    public var id: String
    public var appId: String
    public var displayName: String?
    public var signInAudience: String?
    public var createdDateTime: Timestamp?
    public var requiredResourceAccess: [RequiredResourceAccess]
    public var keyCredentials: [KeyCredential]
    public var passwordCredentials: [PasswordCredential]

    public init(id: String, appId: String, displayName: String?, signInAudience: String?, createdDateTime: Timestamp? = nil,
                requiredResourceAccess: [RequiredResourceAccess], keyCredentials: [KeyCredential], passwordCredentials: [PasswordCredential]) {
        self.id = id
        self.appId = appId
        self.displayName = displayName
        self.signInAudience = signInAudience
        self.createdDateTime = createdDateTime
        self.requiredResourceAccess = requiredResourceAccess
        self.keyCredentials = keyCredentials
        self.passwordCredentials = passwordCredentials
    }

    enum CodingKeys: String, CodingKey {
        case id, appId, displayName, signInAudience, createdDateTime, requiredResourceAccess, keyCredentials, passwordCredentials
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        appId = try c.decode(String.self, forKey: .appId)
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        signInAudience = try c.decodeIfPresent(String.self, forKey: .signInAudience)
        createdDateTime = try? c.decodeIfPresent(Timestamp.self, forKey: .createdDateTime)
        requiredResourceAccess = try c.decodeList(RequiredResourceAccess.self, forKey: .requiredResourceAccess)
        keyCredentials = try c.decodeList(KeyCredential.self, forKey: .keyCredentials)
        passwordCredentials = try c.decodeList(PasswordCredential.self, forKey: .passwordCredentials)
    }

    /// Whether the manifest asks for `full_access_as_app` as an application permission (`Role`).
    public var requestsFullAccessAsAppRole: Bool {
        requiredResourceAccess.contains { entry in
            entry.resourceAppId == HybridIdentifiers.exchangeOnlineAppId
                && entry.resourceAccess.contains { $0.id.lowercased() == HybridIdentifiers.fullAccessAsAppRoleId && $0.type == "Role" }
        }
    }
}

/// An `appRoleAssignment`: an admin-consented application permission.
public struct AppRoleAssignment: Sendable, Hashable, Codable {
    public var id: String?
    public var appRoleId: String
    public var principalId: String
    public var principalDisplayName: String?
    public var principalType: String?
    public var resourceId: String?
    public var createdDateTime: Timestamp?

    public init(id: String?, appRoleId: String, principalId: String, principalDisplayName: String?, principalType: String? = "ServicePrincipal",
                resourceId: String?, createdDateTime: Timestamp?) {
        self.id = id
        self.appRoleId = appRoleId
        self.principalId = principalId
        self.principalDisplayName = principalDisplayName
        self.principalType = principalType
        self.resourceId = resourceId
        self.createdDateTime = createdDateTime
    }

    enum CodingKeys: String, CodingKey { case id, appRoleId, principalId, principalDisplayName, principalType, resourceId, createdDateTime, creationTimestamp }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        appRoleId = try c.decode(String.self, forKey: .appRoleId)
        principalId = try c.decode(String.self, forKey: .principalId)
        principalDisplayName = try c.decodeIfPresent(String.self, forKey: .principalDisplayName)
        principalType = try c.decodeIfPresent(String.self, forKey: .principalType)
        resourceId = try c.decodeIfPresent(String.self, forKey: .resourceId)
        // Older doc revisions call it creationTimestamp.
        createdDateTime = (try? c.decodeIfPresent(Timestamp.self, forKey: .createdDateTime)) ?? (try? c.decodeIfPresent(Timestamp.self, forKey: .creationTimestamp)) ?? nil
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encode(appRoleId, forKey: .appRoleId)
        try c.encode(principalId, forKey: .principalId)
        try c.encodeIfPresent(principalDisplayName, forKey: .principalDisplayName)
        try c.encodeIfPresent(principalType, forKey: .principalType)
        try c.encodeIfPresent(resourceId, forKey: .resourceId)
        try c.encodeIfPresent(createdDateTime, forKey: .createdDateTime)
    }
}

/// An app in the tenant that holds, or asks for, `full_access_as_app`.
public struct TenantApp: Sendable, Hashable, Codable {
    /// The app registration, when it is in this tenant (`nil` for multi-tenant apps from elsewhere).
    public var application: Application?
    /// The app's service principal in this tenant.
    public var servicePrincipal: ServicePrincipal?
    /// The admin consent for `full_access_as_app`, when granted.
    public var fullAccessGrant: AppRoleAssignment?

    public init(application: Application?, servicePrincipal: ServicePrincipal?, fullAccessGrant: AppRoleAssignment?) {
        self.application = application
        self.servicePrincipal = servicePrincipal
        self.fullAccessGrant = fullAccessGrant
    }

    public var appId: String { application?.appId ?? servicePrincipal?.appId ?? "" }
    public var displayName: String { application?.displayName ?? servicePrincipal?.displayName ?? fullAccessGrant?.principalDisplayName ?? appId }
}

/// What ExScope read from Entra (Microsoft Graph): the input of the tenant checks.
public struct TenantSnapshot: Sendable, Hashable, Codable {
    public static let schemaID = "exscope.tenant/1"
    public var schema: String
    public var tenantId: String?
    /// When it was read.
    public var readAt: Timestamp
    /// The shared "Office 365 Exchange Online" service principal; `nil` when the tenant has none.
    public var sharedPrincipal: ServicePrincipal?
    /// Every app that holds `full_access_as_app` or is the dedicated app by name.
    public var apps: [TenantApp]
    /// The dedicated app's display name looked for (`ExchangeServerApp-<org GUID>`), when the org GUID was known.
    public var dedicatedAppName: String?

    public init(tenantId: String?, readAt: Timestamp, sharedPrincipal: ServicePrincipal?, apps: [TenantApp], dedicatedAppName: String?) {
        self.schema = Self.schemaID
        self.tenantId = tenantId
        self.readAt = readAt
        self.sharedPrincipal = sharedPrincipal
        self.apps = apps
        self.dedicatedAppName = dedicatedAppName
    }
}

/// Minimal base64 (standard and URL alphabets, padding optional).
enum LenientBase64 {
    static func decode(_ text: String) -> [UInt8]? {
        var values: [UInt8] = []
        values.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A: values.append(byte - 0x41)
            case 0x61...0x7A: values.append(byte - 0x61 + 26)
            case 0x30...0x39: values.append(byte - 0x30 + 52)
            case 0x2B, 0x2D: values.append(62)
            case 0x2F, 0x5F: values.append(63)
            case 0x3D: continue
            default: return nil
            }
        }
        guard values.count % 4 != 1 else { return nil }
        var out: [UInt8] = []
        var index = 0
        while index + 1 < values.count {
            let chunk = values[index..<min(index + 4, values.count)]
            let a = chunk[chunk.startIndex], b = chunk[chunk.startIndex + 1]
            out.append(a << 2 | b >> 4)
            if chunk.count > 2 { out.append((b & 0x0F) << 4 | chunk[chunk.startIndex + 2] >> 2) }
            if chunk.count > 3 { out.append((chunk[chunk.startIndex + 2] & 0x03) << 6 | chunk[chunk.startIndex + 3]) }
            index += 4
        }
        return out
    }
}
