/// One Entra directory audit event (`auditLogs/directoryAudits`), the fields hunting needs.
public struct DirectoryAudit: Sendable, Hashable, Codable {
    public struct Initiator: Sendable, Hashable, Codable {
        public struct User: Sendable, Hashable, Codable {
            public var id: String?
            public var userPrincipalName: String?
            public var displayName: String?
            public var ipAddress: String?
        }
        public struct App: Sendable, Hashable, Codable {
            public var appId: String?
            public var displayName: String?
            public var servicePrincipalId: String?
            public var servicePrincipalName: String?
        }
        public var user: User?
        public var app: App?
    }

    public struct Target: Sendable, Hashable, Codable {
        public struct Property: Sendable, Hashable, Codable {
            public var displayName: String?
            public var oldValue: String?
            public var newValue: String?
        }
        public var id: String?
        public var displayName: String?
        public var type: String?
        public var modifiedProperties: [Property]

        enum CodingKeys: String, CodingKey { case id, displayName, type, typeCapital = "Type", modifiedProperties }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decodeIfPresent(String.self, forKey: .id)
            displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
            // The docs' examples write the key both as "type" and "Type".
            type = try c.decodeIfPresent(String.self, forKey: .type) ?? c.decodeIfPresent(String.self, forKey: .typeCapital)
            modifiedProperties = try c.decodeList(Property.self, forKey: .modifiedProperties)
        }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encodeIfPresent(displayName, forKey: .displayName)
            try c.encodeIfPresent(type, forKey: .type)
            try c.encode(modifiedProperties, forKey: .modifiedProperties)
        }
    }

    public struct Detail: Sendable, Hashable, Codable {
        public var key: String?
        public var value: String?
    }

    public var id: String?
    public var activityDisplayName: String
    public var activityDateTime: Timestamp?
    public var category: String?
    public var result: String?
    public var initiatedBy: Initiator?
    public var targetResources: [Target]
    public var additionalDetails: [Detail]

    enum CodingKeys: String, CodingKey { case id, activityDisplayName, activityDateTime, category, result, initiatedBy, targetResources, additionalDetails }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        activityDisplayName = try c.decode(String.self, forKey: .activityDisplayName)
        activityDateTime = try? c.decodeIfPresent(Timestamp.self, forKey: .activityDateTime)
        category = try c.decodeIfPresent(String.self, forKey: .category)
        result = try c.decodeIfPresent(String.self, forKey: .result)
        initiatedBy = try c.decodeIfPresent(Initiator.self, forKey: .initiatedBy)
        targetResources = try c.decodeList(Target.self, forKey: .targetResources)
        additionalDetails = try c.decodeList(Detail.self, forKey: .additionalDetails)
    }
}

/// One thing worth a person's attention in the audit log.
public struct HuntFinding: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        /// A credential change on the shared "Office 365 Exchange Online" service principal.
        case sharedPrincipalCredentialChange = "shared-principal-credential-change"
        /// `full_access_as_app` granted to an app that is not the dedicated hybrid app.
        case fullAccessConsent = "full-access-consent"
        /// The shared principal itself signed in with a key credential (sign-in logs).
        case sharedPrincipalSignIn = "shared-principal-sign-in"
    }
    public var kind: Kind
    public var activity: String
    public var when: Timestamp?
    /// The user principal name or app that did it.
    public var who: String
    /// IP address, when the event has one.
    public var from: String?
    public var userAgent: String?
    public var target: String
    /// Keys added (from the KeyDescription old/new values).
    public var keysAdded: [String]
    public var keysRemoved: [String]
    public var result: String?
    public var why: String
    /// For sign-ins: the credential type, key id and certificate thumbprint used.
    public var credential: String? = nil
}

/// Finds credential changes on the shared principal and `full_access_as_app` grants.
public enum Hunter {
    /// Activities that change a service principal's or app's credentials.
    static let credentialActivities = ["add service principal credentials", "remove service principal credentials", "update service principal",
                                       "certificates and secrets management", "update external secrets"]
    static let consentActivities = ["consent to application", "add app role assignment to service principal"]

    /// Lower-cases and turns en/em dashes into hyphen-minus ("Update application – Certificates…").
    public static func normalise(_ activity: String) -> String {
        String(activity.lowercased().map { $0 == "\u{2013}" || $0 == "\u{2014}" ? "-" : $0 })
    }

    /// Analyses audit events.
    /// - Parameters:
    ///   - sharedPrincipalId: the object id of the tenant's Exchange Online service principal, when known.
    ///   - dedicatedAppIds: appIds and display names of the dedicated hybrid app (its consent is expected).
    public static func analyse(_ events: [DirectoryAudit], sharedPrincipalId: String?, dedicatedApps: Set<String>) -> [HuntFinding] {
        var findings: [HuntFinding] = []
        let dedicated = Set(dedicatedApps.map { $0.lowercased() })
        for event in events {
            let activity = normalise(event.activityDisplayName)
            let who = event.initiatedBy?.user?.userPrincipalName ?? event.initiatedBy?.app?.displayName ?? event.initiatedBy?.app?.appId ?? "unknown"
            let ip = event.initiatedBy?.user?.ipAddress
            let agent = event.additionalDetails.first { $0.key?.lowercased() == "user-agent" }?.value
            if credentialActivities.contains(where: { activity.contains($0) }) {
                for target in event.targetResources where isSharedPrincipal(target, event: event, id: sharedPrincipalId) {
                    let (added, removed) = keyChanges(target)
                    findings.append(HuntFinding(
                        kind: .sharedPrincipalCredentialChange, activity: event.activityDisplayName, when: event.activityDateTime, who: who,
                        from: ip, userAgent: agent, target: "\(target.displayName ?? "Office 365 Exchange Online") (\(target.id ?? "?"))",
                        keysAdded: added, keysRemoved: removed, result: event.result,
                        why: added.isEmpty
                            ? "A credential change on the shared Exchange Online principal: confirm it was the clean-up or a hybrid wizard run by a known admin."
                            : "A key was added to the shared Exchange Online principal: whoever holds its private key can impersonate any Exchange Online user. Unless this was the Hybrid Configuration Wizard run by a known admin, treat it as a compromise."))
                }
            }
            if consentActivities.contains(where: { activity.contains($0) }), grantsFullAccess(event) {
                for target in event.targetResources where target.type?.lowercased() == "serviceprincipal" {
                    let names = [target.displayName, target.id].compactMap { $0?.lowercased() }
                    if names.contains(where: { dedicated.contains($0) }) || names.contains(where: { $0.hasPrefix("exchangeserverapp-") }) { continue }
                    if target.displayName == "Office 365 Exchange Online" { continue }
                    findings.append(HuntFinding(
                        kind: .fullAccessConsent, activity: event.activityDisplayName, when: event.activityDateTime, who: who, from: ip,
                        userAgent: agent, target: "\(target.displayName ?? "?") (\(target.id ?? "?"))", keysAdded: [], keysRemoved: [], result: event.result,
                        why: "full_access_as_app lets this app read and send as every mailbox through EWS; it is not the dedicated hybrid app."))
                }
            }
        }
        return chronological(findings)
    }

    /// Oldest first; findings without a time first of all.
    public static func chronological(_ findings: [HuntFinding]) -> [HuntFinding] {
        findings.sorted { ($0.when ?? Timestamp(secondsSinceEpoch: 0)) < ($1.when ?? Timestamp(secondsSinceEpoch: 0)) }
    }

    static func isSharedPrincipal(_ target: DirectoryAudit.Target, event: DirectoryAudit, id: String?) -> Bool {
        if let id, target.id?.lowercased() == id.lowercased() { return true }
        if target.displayName == "Office 365 Exchange Online" && target.type?.lowercased() != "application" { return true }
        return event.additionalDetails.contains { $0.key == "AppId" && $0.value == HybridIdentifiers.exchangeOnlineAppId }
            && target.type?.lowercased() == "serviceprincipal"
    }

    static func grantsFullAccess(_ event: DirectoryAudit) -> Bool {
        event.targetResources.contains { target in
            target.modifiedProperties.contains { property in
                let text = ((property.newValue ?? "") + " " + (property.displayName ?? "")).lowercased()
                return text.contains("full_access_as_app") || text.contains(HybridIdentifiers.fullAccessAsAppRoleId)
            }
        }
    }

    /// Diffs the `KeyDescription` old and new values: JSON string arrays of
    /// `[KeyIdentifier=…,KeyType=…,KeyUsage=…,DisplayName=…]`.
    static func keyChanges(_ target: DirectoryAudit.Target) -> (added: [String], removed: [String]) {
        guard let property = target.modifiedProperties.first(where: { $0.displayName == "KeyDescription" }) else { return ([], []) }
        let old = Set(keyItems(property.oldValue))
        let new = keyItems(property.newValue)
        let added = new.filter { !old.contains($0) }
        let removed = keyItems(property.oldValue).filter { !Set(new).contains($0) }
        return (added, removed)
    }

    /// Extracts the bracketed items from a value like `["[KeyIdentifier=…,…]"]` without a JSON parser.
    static func keyItems(_ value: String?) -> [String] {
        guard let value else { return [] }
        var items: [String] = []
        var current = ""
        var depth = 0
        for character in value.replacing("\\\"", with: "\"") {
            if character == "[" {
                depth += 1
                if depth == 2 { current = "" }
                continue
            }
            if character == "]" {
                if depth == 2, current.contains("KeyIdentifier=") { items.append(current) }
                depth -= 1
                continue
            }
            if depth == 2 { current.append(character) }
        }
        return items
    }
}
