public import ExScopeCore
import Foundation

/// Carries out a ``CleanupPlan`` on the shared service principal: backup first, PATCH, read back.
public struct ServicePrincipalCleaner: Sendable {
    public let client: GraphClient

    public init(client: GraphClient) { self.client = client }

    /// The result of an applied clean-up.
    public struct Outcome: Sendable {
        /// The keys on the principal after the PATCH, read back.
        public var remaining: [KeyCredential]
        /// Whether every planned removal is gone and every kept key is still there.
        public var verified: Bool
    }

    /// Reads the shared principal with its public keys (`$select=keyCredentials` returns `key`).
    public func principal() async throws -> ServicePrincipal? {
        try await TenantReader(client: client).sharedPrincipal()
    }

    /// Sends the PATCH for `plan` and reads back. Call only after the backup is written.
    /// - Throws: ``GraphError``; `.configuration` when a kept key cannot be re-sent.
    public func apply(_ plan: CleanupPlan) async throws -> Outcome {
        if let reason = plan.unsendableReason { throw GraphError(.malformedResponse, reason) }
        let body = KeysBody(keyCredentials: plan.kept.map { MinimalKey(key: $0.key ?? "", type: $0.type ?? "AsymmetricX509Cert", usage: $0.usage ?? "Verify") })
        try await client.patch("servicePrincipals/\(plan.principalId)", json: Array(try JSONEncoder().encode(body)), permission: GraphPermission.write)
        return try await verify(plan)
    }

    /// Reads the principal back and checks the plan's effect.
    public func verify(_ plan: CleanupPlan) async throws -> Outcome {
        let remaining = try await principal()?.keyCredentials ?? []
        let removedIds = Set(plan.removals.compactMap(\.key.keyId))
        let removedThumbs = Set(plan.removals.compactMap(\.key.thumbprint))
        let stillThere = remaining.contains { key in
            (key.keyId.map(removedIds.contains) ?? false) || (key.thumbprint.map(removedThumbs.contains) ?? false)
        }
        return Outcome(remaining: remaining, verified: !stillThere && remaining.count == plan.kept.count)
    }

    /// Puts backed-up keys back next to the current ones (`--restore`).
    /// - Returns: the keys on the principal afterwards.
    public func restore(_ backup: KeyBackup) async throws -> [KeyCredential] {
        let incomplete = backup.keys.filter { ($0.key ?? "").isEmpty }.count
        guard incomplete == 0 else {
            throw GraphError(.configuration, "the backup holds \(incomplete) key(s) without their public part, which cannot be put back; nothing was changed")
        }
        guard let principal = try await principal() else { throw GraphError(.notFound, "the tenant has no Office 365 Exchange Online service principal") }
        guard principal.id == backup.principalId else {
            throw GraphError(.configuration, "the backup is for service principal \(backup.principalId), but this tenant's is \(principal.id)")
        }
        let present = Set(principal.keyCredentials.compactMap(\.thumbprint))
        let current = principal.keyCredentials.map { MinimalKey(key: $0.key ?? "", type: $0.type ?? "AsymmetricX509Cert", usage: $0.usage ?? "Verify") }
        guard current.allSatisfy({ !$0.key.isEmpty }) else {
            throw GraphError(.malformedResponse, "a current key came back without its public key; cannot re-send it")
        }
        let restored = backup.keys.filter { !($0.thumbprint.map(present.contains) ?? false) }.map { key in
            MinimalKey(key: key.key ?? "", type: key.type ?? "AsymmetricX509Cert", usage: key.usage ?? "Verify")
        }
        if restored.isEmpty { return principal.keyCredentials }
        let body = KeysBody(keyCredentials: current + restored)
        try await client.patch("servicePrincipals/\(principal.id)", json: Array(try JSONEncoder().encode(body)), permission: GraphPermission.write)
        return try await self.principal()?.keyCredentials ?? []
    }

    struct MinimalKey: Encodable {
        var key: String
        var type: String
        var usage: String
    }

    struct KeysBody: Encodable {
        var keyCredentials: [MinimalKey]
    }
}

/// Reads Entra directory audits and sign-ins (`AuditLog.Read.All`) for a time window.
public struct AuditReader: Sendable {
    public let client: GraphClient

    public init(client: GraphClient) { self.client = client }

    /// Events in `[since, until]` of the activities hunting looks at (filtered again locally).
    public func events(since: Timestamp, until: Timestamp?) async throws -> [DirectoryAudit] {
        var filter = "category eq 'ApplicationManagement' and activityDateTime ge \(since)"
        if let until { filter += " and activityDateTime le \(until)" }
        return try await client.list(DirectoryAudit.self, "auditLogs/directoryAudits?$filter=\(filter)", permission: GraphPermission.audit)
    }

    /// Service-principal sign-ins of the shared "Office 365 Exchange Online" principal in `[since, until]`:
    /// `GET /beta/auditLogs/signIns?$filter=signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '00000002-…' and createdDateTime ge …`
    /// (beta only; Entra ID P1 or P2 is needed to read sign-in logs).
    public func sharedPrincipalSignIns(since: Timestamp, until: Timestamp?) async throws -> [SignInEvent] {
        var filter = "signInEventTypes/any(t: t eq 'servicePrincipal') and appId eq '\(HybridIdentifiers.exchangeOnlineAppId)' and createdDateTime ge \(since)"
        if let until { filter += " and createdDateTime le \(until)" }
        return try await client.list(SignInEvent.self, "auditLogs/signIns?$filter=\(filter)", permission: GraphPermission.audit, version: "beta")
    }
}
