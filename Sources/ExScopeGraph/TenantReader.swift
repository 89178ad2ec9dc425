public import ExScopeCore
import Foundation

/// Reads what the tenant checks need, read-only (`Application.Read.All`):
///
/// 1. `GET servicePrincipals(appId='00000002-…')?$select=…keyCredentials,passwordCredentials`
/// 2. `GET servicePrincipals/{id}/appRoleAssignedTo`: every principal granted a role on Exchange Online
/// 3. `GET applications?$filter=displayName eq 'ExchangeServerApp-<org GUID>'`
/// 4. for each app found: its registration and service principal by appId.
public struct TenantReader: Sendable {
    public let client: GraphClient

    public init(client: GraphClient) { self.client = client }

    static let spSelect = "$select=id,appId,displayName,appOwnerOrganizationId,keyCredentials,passwordCredentials"
    static let appSelect = "$select=id,appId,displayName,signInAudience,createdDateTime,requiredResourceAccess,keyCredentials,passwordCredentials"

    /// The shared "Office 365 Exchange Online" service principal, or `nil` if the tenant has none.
    public func sharedPrincipal() async throws -> ServicePrincipal? {
        try await client.list(ServicePrincipal.self, "servicePrincipals?$filter=appId eq '\(HybridIdentifiers.exchangeOnlineAppId)'&\(Self.spSelect)",
                              permission: GraphPermission.read).first
    }

    /// Reads the snapshot.
    /// - Parameters:
    ///   - organizationGuid: from the inventory, to find `ExchangeServerApp-<GUID>` by name.
    ///   - tenantId: recorded in the snapshot.
    ///   - now: when it was read.
    public func read(organizationGuid: String?, tenantId: String?, now: Timestamp) async throws -> TenantSnapshot {
        let shared = try await client.getIfExists(ServicePrincipal.self,
                                                  "servicePrincipals(appId='\(HybridIdentifiers.exchangeOnlineAppId)')?\(Self.spSelect)",
                                                  permission: GraphPermission.read)
        var grants: [AppRoleAssignment] = []
        if let shared {
            grants = try await client.list(AppRoleAssignment.self, "servicePrincipals/\(shared.id)/appRoleAssignedTo", permission: GraphPermission.read)
                .filter { $0.appRoleId.lowercased() == HybridIdentifiers.fullAccessAsAppRoleId }
        }
        var apps: [TenantApp] = []
        var seenAppIds = Set<String>()
        let dedicatedName = organizationGuid.map { HybridIdentifiers.dedicatedAppName(organizationGuid: $0) }
        var named: [Application] = []
        if let dedicatedName {
            named = try await client.list(Application.self, "applications?$filter=displayName eq '\(dedicatedName)'&\(Self.appSelect)", permission: GraphPermission.read)
        } else {
            named = try await client.list(Application.self, "applications?$filter=startswith(displayName,'ExchangeServerApp-')&\(Self.appSelect)", permission: GraphPermission.read)
        }
        for application in named where seenAppIds.insert(application.appId).inserted {
            let principal = try await principal(appId: application.appId)
            let grant = principal.flatMap { sp in grants.first { $0.principalId == sp.id } }
            apps.append(TenantApp(application: application, servicePrincipal: principal, fullAccessGrant: grant))
        }
        for grant in grants where grant.principalType != "User" && grant.principalType != "Group" {
            let principal = try await client.getIfExists(ServicePrincipal.self, "servicePrincipals/\(grant.principalId)?\(Self.spSelect)", permission: GraphPermission.read)
            guard let principal, seenAppIds.insert(principal.appId).inserted else { continue }
            let application = try await client.list(Application.self, "applications?$filter=appId eq '\(principal.appId)'&\(Self.appSelect)", permission: GraphPermission.read).first
            apps.append(TenantApp(application: application, servicePrincipal: principal, fullAccessGrant: grant))
        }
        return TenantSnapshot(tenantId: tenantId, readAt: now, sharedPrincipal: shared, apps: apps, dedicatedAppName: dedicatedName)
    }

    func principal(appId: String) async throws -> ServicePrincipal? {
        try await client.list(ServicePrincipal.self, "servicePrincipals?$filter=appId eq '\(appId)'&\(Self.spSelect)", permission: GraphPermission.read).first
    }
}

extension GraphClient {
    /// GET that maps 404 to `nil`.
    func getIfExists<T: Decodable>(_ type: T.Type, _ path: String, permission: String) async throws -> T? {
        do {
            return try await get(type, path, permission: permission)
        } catch let error as GraphError where error.code == .notFound {
            return nil
        }
    }
}
