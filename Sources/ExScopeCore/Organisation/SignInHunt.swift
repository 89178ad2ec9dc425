/// One Entra sign-in event (Graph beta `auditLogs/signIns`), the fields the service-principal
/// sign-in hunt needs. Service-principal sign-ins exist only in the beta API; v1.0 lists
/// interactive user sign-ins only.
public struct SignInEvent: Sendable, Hashable, Codable {
    public struct Status: Sendable, Hashable, Codable {
        /// 0 for success, else the AADSTS code.
        public var errorCode: Int?
        public var failureReason: String?
    }

    public struct Location: Sendable, Hashable, Codable {
        public var city: String?
        public var countryOrRegion: String?
    }

    public var id: String?
    public var createdDateTime: Timestamp?
    /// The client that signed in (for service-principal sign-ins: the principal's appId).
    public var appId: String?
    public var appDisplayName: String?
    public var servicePrincipalId: String?
    public var servicePrincipalName: String?
    public var ipAddress: String?
    public var resourceDisplayName: String?
    public var resourceId: String?
    /// `none`, `clientSecret`, `clientAssertion`, `federatedIdentityCredential`, `managedIdentity`, `certificate`, …
    public var clientCredentialType: String?
    public var servicePrincipalCredentialKeyId: String?
    public var servicePrincipalCredentialThumbprint: String?
    /// `interactiveUser`, `nonInteractiveUser`, `servicePrincipal`, `managedIdentity`, …
    public var signInEventTypes: [String]
    public var status: Status?
    public var location: Location?

    enum CodingKeys: String, CodingKey {
        case id, createdDateTime, appId, appDisplayName, servicePrincipalId, servicePrincipalName, ipAddress, resourceDisplayName, resourceId,
             clientCredentialType, servicePrincipalCredentialKeyId, servicePrincipalCredentialThumbprint, signInEventTypes, status, location
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        createdDateTime = try? c.decodeIfPresent(Timestamp.self, forKey: .createdDateTime)
        appId = try c.decodeIfPresent(String.self, forKey: .appId)
        appDisplayName = try c.decodeIfPresent(String.self, forKey: .appDisplayName)
        servicePrincipalId = try c.decodeIfPresent(String.self, forKey: .servicePrincipalId)
        servicePrincipalName = try c.decodeIfPresent(String.self, forKey: .servicePrincipalName)
        ipAddress = try c.decodeIfPresent(String.self, forKey: .ipAddress)
        resourceDisplayName = try c.decodeIfPresent(String.self, forKey: .resourceDisplayName)
        resourceId = try c.decodeIfPresent(String.self, forKey: .resourceId)
        clientCredentialType = try c.decodeIfPresent(String.self, forKey: .clientCredentialType)
        servicePrincipalCredentialKeyId = try c.decodeIfPresent(String.self, forKey: .servicePrincipalCredentialKeyId)
        servicePrincipalCredentialThumbprint = try c.decodeIfPresent(String.self, forKey: .servicePrincipalCredentialThumbprint)
        signInEventTypes = try c.decodeList(String.self, forKey: .signInEventTypes)
        status = try c.decodeIfPresent(Status.self, forKey: .status)
        location = try c.decodeIfPresent(Location.self, forKey: .location)
    }

    /// Whether the client proved itself with a key registered on its service principal
    /// (a certificate, or a client assertion signed with one).
    public var usedKeyCredential: Bool {
        ["certificate", "clientassertion"].contains(clientCredentialType?.lowercased() ?? "")
            || !(servicePrincipalCredentialThumbprint ?? "").isEmpty || !(servicePrincipalCredentialKeyId ?? "").isEmpty
    }
}

extension Hunter {
    /// Service-principal sign-ins of the shared "Office 365 Exchange Online" principal with a key
    /// credential. Only a holder of a private key whose certificate is registered on the tenant's
    /// copy of that principal can sign in this way, so each one is reported; user sign-ins to
    /// Outlook on the web (same appId, no key) and other apps' sign-ins are not.
    public static func analyse(signIns: [SignInEvent]) -> [HuntFinding] {
        chronological(signIns.filter { signIn in
            signIn.appId?.lowercased() == HybridIdentifiers.exchangeOnlineAppId && signIn.usedKeyCredential
                && (signIn.signInEventTypes.isEmpty || signIn.signInEventTypes.contains { $0.lowercased() == "serviceprincipal" })
        }.map { signIn in
            let failed = (signIn.status?.errorCode ?? 0) != 0
            let credential = [signIn.clientCredentialType, signIn.servicePrincipalCredentialKeyId.map { "key \($0)" },
                              signIn.servicePrincipalCredentialThumbprint.map { "thumbprint \($0)" }].compactMap { $0 }.joined(separator: ", ")
            let place = [signIn.location?.city, signIn.location?.countryOrRegion].compactMap { $0 }.joined(separator: ", ")
            return HuntFinding(
                kind: .sharedPrincipalSignIn, activity: "Service principal sign-in", when: signIn.createdDateTime,
                who: "\(signIn.servicePrincipalName ?? signIn.appDisplayName ?? "Office 365 Exchange Online") (\(signIn.appId ?? "?"))",
                from: signIn.ipAddress.map { place.isEmpty ? $0 : "\($0) (\(place))" }, userAgent: nil,
                target: signIn.resourceDisplayName ?? signIn.resourceId ?? "?", keysAdded: [], keysRemoved: [],
                result: failed ? "failure (\(signIn.status?.errorCode ?? 0)\(signIn.status?.failureReason.map { ": \($0)" } ?? ""))" : "success",
                why: failed
                    ? "Someone tried to sign in as the shared Exchange Online principal with a key: they hold, or held, a private key for it (for example one the clean-up removed)."
                    : "The shared Exchange Online principal signed in with a key registered on it in your tenant: its holder can act as Exchange Online. After the clean-up there must be none; unless the thumbprint is your on-premises auth certificate and the address your Exchange servers', treat it as a compromise.",
                credential: credential.isEmpty ? nil : credential)
        })
    }
}
