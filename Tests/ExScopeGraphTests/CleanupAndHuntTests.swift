import ExScopeCore
import ExScopeGraph
import ExScopeTesting
import Foundation
import Testing

@Suite struct CleanupTests {
    func run(_ tenant: MockGraphTenant, thumbprint: String? = nil) async throws -> (MockGraphServer, CleanupPlan, ServicePrincipalCleaner.Outcome?) {
        let server = try await MockGraphServer.start(tenant)
        let cleaner = ServicePrincipalCleaner(client: client(server, secret: tenant.clientSecret))
        let principal = try #require(try await cleaner.principal())
        let plan = CleanupPlan.make(principal: principal, thumbprint: thumbprint, now: testNow)
        let outcome = plan.isNoOp ? nil : try await cleaner.apply(plan)
        return (server, plan, outcome)
    }

    @Test func removesEveryKeyAndIsIdempotent() async throws {
        let tenant = MockGraphTenant.dedicatedAppSharedKeysRemain(secret: makeSecret())
        let (server, plan, outcome) = try await run(tenant)
        defer { Task { await server.stop() } }
        #expect(plan.removals.count == 1)
        #expect(outcome?.verified == true)
        #expect(server.sharedPrincipal?.keyCredentials.isEmpty == true)
        // Second run: nothing to do, no PATCH.
        let cleaner = ServicePrincipalCleaner(client: client(server, secret: tenant.clientSecret))
        let again = CleanupPlan.make(principal: try #require(try await cleaner.principal()), thumbprint: nil, now: testNow)
        #expect(again.isNoOp)
        #expect(server.requests.filter { $0.method == "PATCH" }.count == 1)
    }

    @Test func thumbprintModeRemovesThatKeyAndExpiredOnesAndResendsTheRest() async throws {
        var tenant = MockGraphTenant.foreignKey(secret: makeSecret())
        tenant.sharedPrincipal?.keyCredentials.append(MockGraphTenant.expiredKey)
        let (server, plan, outcome) = try await run(tenant, thumbprint: "deadbeef00112233445566778899aabbccddeeff")
        defer { Task { await server.stop() } }
        #expect(Set(plan.removals.compactMap(\.key.keyId)) == [MockGraphTenant.foreignKey.keyId, MockGraphTenant.expiredKey.keyId])
        #expect(plan.kept.count == 1 && plan.kept[0].keyId == nil && plan.kept[0].customKeyIdentifier == nil)
        #expect(outcome?.verified == true)
        #expect(server.sharedPrincipal?.keyCredentials.map(\.keyId) == [MockGraphTenant.hybridKey.keyId])
    }

    @Test func restorePutsBackedUpKeysBack() async throws {
        let tenant = MockGraphTenant.hybridNothingDone(secret: makeSecret())
        let (server, plan, _) = try await run(tenant)
        defer { Task { await server.stop() } }
        #expect(server.sharedPrincipal?.keyCredentials.isEmpty == true)
        let backup = KeyBackup(principalId: plan.principalId, appId: HybridIdentifiers.exchangeOnlineAppId, savedAt: testNow, keys: plan.removals.map(\.key))
        let keys = try await ServicePrincipalCleaner(client: client(server, secret: tenant.clientSecret)).restore(backup)
        #expect(Set(keys.compactMap(\.keyId)) == [MockGraphTenant.hybridKey.keyId, MockGraphTenant.expiredKey.keyId])
    }

    @Test func refusesWhileServersAreBelowTheHotfix() throws {
        #expect(!CleanupPlan.blockingServers(inventory: try inventory("hybrid-nothing-done.json"), catalog: catalog, now: testNow).isEmpty)
        let blocking = CleanupPlan.blockingServers(inventory: try inventory("servers-below-hotfix.json"), catalog: catalog, now: testNow)
        #expect(blocking.map { $0.split(separator: ":")[0] } == ["EX13", "EX15OLD"])
        #expect(CleanupPlan.blockingServers(inventory: try inventory("fully-remediated.json"), catalog: catalog, now: testNow).isEmpty)
    }

    @Test func writeWithoutPermissionNamesIt() async throws {
        var tenant = MockGraphTenant.hybridNothingDone(secret: makeSecret())
        tenant.behaviour.permissions = ["Application.Read.All"]
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let cleaner = ServicePrincipalCleaner(client: client(server, secret: tenant.clientSecret))
        let plan = CleanupPlan.make(principal: try #require(try await cleaner.principal()), thumbprint: nil, now: testNow)
        let error = await #expect(throws: GraphError.self) { _ = try await cleaner.apply(plan) }
        #expect(error?.missingPermission == "Application.ReadWrite.All")
        #expect(server.sharedPrincipal?.keyCredentials.count == 2)
    }
}

@Suite struct HuntTests {
    @Test func findsTheForeignKeyAndTheThirdPartyConsent() async throws {
        let tenant = MockGraphTenant.foreignKey(secret: makeSecret())
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let events = try await AuditReader(client: client(server, secret: tenant.clientSecret)).events(since: Timestamp(iso8601: "2025-01-01T00:00:00Z")!, until: nil)
        #expect(events.count == 3)
        let findings = Hunter.analyse(events, sharedPrincipalId: MockGraphTenant.sharedPrincipalId, dedicatedApps: [MockGraphTenant.dedicatedAppId])
        #expect(findings.map(\.kind) == [.sharedPrincipalCredentialChange, .fullAccessConsent])
        let key = findings[0]
        #expect(key.who == "svc-sync@contoso.com")
        #expect(key.from == "203.0.113.8")
        #expect(key.userAgent == "python-requests/2.31")
        #expect(key.keysAdded.count == 1 && key.keysAdded[0].contains("DisplayName=CN=evil"))
        #expect(findings[1].target.contains("Contoso Mail Backup"))
    }

    @Test func findsSignInsOfTheSharedPrincipalWithAKeyAcrossPages() async throws {
        var tenant = MockGraphTenant.foreignKey(secret: makeSecret())
        tenant.behaviour.pageSize = 1
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let signIns = try await AuditReader(client: client(server, secret: tenant.clientSecret))
            .sharedPrincipalSignIns(since: Timestamp(iso8601: "2025-01-01T00:00:00Z")!, until: nil)
        // Graph's filter leaves the shared principal's service-principal sign-ins: two, one a page.
        #expect(signIns.count == 2)
        #expect(server.requests.filter { $0.path == "/beta/auditLogs/signIns" }.count == 2)
        let findings = Hunter.analyse(signIns: signIns)
        #expect(findings.map(\.kind) == [.sharedPrincipalSignIn, .sharedPrincipalSignIn])
        #expect(findings.map(\.result) == ["failure (700027: Client assertion failed signature validation.)", "success"])
        let success = findings[1]
        #expect(success.who == "Office 365 Exchange Online (00000002-0000-0ff1-ce00-000000000000)")
        #expect(success.from == "203.0.113.8 (Amsterdam, NL)")
        #expect(success.target == "Office 365 Exchange Online")
        #expect(success.credential == "clientAssertion, key 9e7d5c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f, thumbprint DEADBEEF00112233445566778899AABBCCDDEEFF")
    }

    @Test func aCleanTenantsSignInsAreNotReported() async throws {
        let tenant = MockGraphTenant.fullyRemediated(secret: makeSecret())
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let signIns = try await AuditReader(client: client(server, secret: tenant.clientSecret))
            .sharedPrincipalSignIns(since: Timestamp(iso8601: "2025-01-01T00:00:00Z")!, until: nil)
        #expect(signIns.isEmpty)
        // Without Graph's filter too: the dedicated app's certificate sign-in and a user's Outlook on the
        // web sign-in (the shared principal's appId, no key) are not findings.
        let everything = try tenant.signIns.map { try JSONDecoder().decode(SignInEvent.self, from: Data($0.utf8)) }
        #expect(everything.count == 2)
        #expect(Hunter.analyse(signIns: everything).isEmpty)
    }

    @Test func readingSignInsWithoutAuditLogReadAllNamesIt() async throws {
        var tenant = MockGraphTenant.foreignKey(secret: makeSecret())
        tenant.behaviour.permissions = ["Application.Read.All"]
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) {
            _ = try await AuditReader(client: client(server, secret: tenant.clientSecret)).sharedPrincipalSignIns(since: testNow, until: nil)
        }
        #expect(error?.code == .forbidden)
        #expect(error?.missingPermission == "AuditLog.Read.All")
        #expect(error?.message.contains("AuditLog.Read.All") == true)
    }

    @Test func activityNamesMatchWithEitherDash() {
        #expect(Hunter.normalise("Update application \u{2013} Certificates and secrets management") == "update application - certificates and secrets management")
        #expect(Hunter.normalise("Update application - Certificates and secrets management") == "update application - certificates and secrets management")
    }
}
