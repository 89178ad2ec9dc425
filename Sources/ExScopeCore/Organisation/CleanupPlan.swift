/// What "Service Principal Clean-Up Mode" would do to the shared service principal, decided
/// without touching the network (the Graph layer carries it out).
///
/// Microsoft's script: with no thumbprint every key goes (`{"keyCredentials":[]}`); with a
/// thumbprint, the key with that `customKeyIdentifier` and every expired key go, and the kept
/// keys are re-sent with only `key`, `type` and `usage` ("otherwise the PATCH call will fail").
public struct CleanupPlan: Sendable, Hashable {
    /// A key that would be removed, and why.
    public struct Removal: Sendable, Hashable {
        public var key: KeyCredential
        public var reason: String
    }

    public var principalId: String
    public var removals: [Removal]
    /// Keys that stay, as they will be re-sent (only `key`, `type`, `usage`).
    public var kept: [KeyCredential]
    /// Kept keys that Graph returned without their public `key`: they cannot be re-sent.
    public var unsendable: [KeyCredential]
    /// Why the plan cannot be sent: kept keys without their public `key` (nil when it can).
    public var unsendableReason: String? {
        unsendable.isEmpty ? nil : "\(unsendable.count) kept key(s) came back without their public key, so they cannot be re-sent; remove all keys instead (no --thumbprint)"
    }
    /// Keys to remove that Graph returned without their public `key`: a backup cannot put them back.
    public var unrestorable: [KeyCredential] { removals.map(\.key).filter { ($0.key ?? "").isEmpty } }

    /// Whether there is nothing to remove (a second run is a no-op: idempotent).
    public var isNoOp: Bool { removals.isEmpty }

    /// Plans the clean-up.
    /// - Parameters:
    ///   - principal: the shared principal, read with `$select=keyCredentials` so `key` is present.
    ///   - thumbprint: remove only this key (plus expired ones); `nil` removes every key.
    ///   - now: to decide what has expired.
    public static func make(principal: ServicePrincipal, thumbprint: String?, now: Timestamp) -> CleanupPlan {
        var removals: [Removal] = []
        var kept: [KeyCredential] = []
        let wanted = thumbprint.flatMap(Thumbprint.normalised) ?? thumbprint?.uppercased()
        for key in principal.keyCredentials {
            if wanted == nil {
                removals.append(Removal(key: key, reason: "all keys are removed"))
            } else if let wanted, key.thumbprint == wanted || key.customKeyIdentifier?.uppercased() == wanted {
                removals.append(Removal(key: key, reason: "thumbprint \(wanted)"))
            } else if key.isExpired(at: now) {
                removals.append(Removal(key: key, reason: "expired \(key.endDateTime?.description ?? "")"))
            } else {
                kept.append(KeyCredential(keyId: nil, customKeyIdentifier: nil, displayName: nil, startDateTime: nil, endDateTime: nil,
                                          key: key.key, type: key.type, usage: key.usage))
            }
        }
        let unsendable = kept.filter { ($0.key ?? "").isEmpty }
        return CleanupPlan(principalId: principal.id, removals: removals, kept: kept, unsendable: unsendable)
    }

    /// Non-edge servers below the April 2025 hotfix, which the clean-up would break.
    /// - Returns: `name: reason` lines; empty when the clean-up is safe for every server known.
    public static func blockingServers(inventory: Inventory, catalog: Catalog, now: Timestamp) -> [String] {
        let context = Context(assessor: OrganisationAssessor(catalog: catalog, now: now), inventory: inventory, tenant: nil)
        return context.servers.filter { !$0.inventory.isEdge && ($0.belowHotfix || $0.verdict == nil) }.map { server in
            "\(server.inventory.name): \(server.hotfix?.reason ?? server.problem ?? "build unknown")"
        }
    }
}

/// The public parts of keys removed from a service principal, written before the PATCH.
public struct KeyBackup: Sendable, Hashable, Codable {
    public static let schemaID = "exscope.key-backup/1"
    public var schema: String
    public var principalId: String
    public var appId: String
    public var savedAt: Timestamp
    /// The removed keys: public certificates only (Graph never returns private keys).
    public var keys: [KeyCredential]

    public init(principalId: String, appId: String, savedAt: Timestamp, keys: [KeyCredential]) {
        self.schema = Self.schemaID
        self.principalId = principalId
        self.appId = appId
        self.savedAt = savedAt
        self.keys = keys
    }
}
