import ExScopeCore
import ExScopeGraph
import ExScopeTesting
import Foundation
import Testing

/// Each mock tenant, paired with its inventory, ends in the right ED 25-02 assessment.
@Suite struct TenantAssessmentTests {
    @Test func neverHybridNeedsNoHybridSteps() async throws {
        let (report, server) = try await assess(.neverHybrid(secret: makeSecret()), inventory: "never-hybrid.json")
        defer { Task { await server.stop() } }
        #expect(report.hybrid == false)
        #expect(report.status(.servicePrincipalCleanUp) == .done)
        #expect(report.status(.dedicatedHybridApp) == .notApplicable)
        #expect(report.status(.hybridAppOverride) == .notApplicable)
        #expect(report.status(.authServerAppId) == .notApplicable)
        #expect(report.status(.latestCUAndHotfix) == .done)
        #expect(report.needsAction == false)
    }

    @Test func hybridWithNothingDoneNeedsEveryStep() async throws {
        let (report, server) = try await assess(.hybridNothingDone(secret: makeSecret()), inventory: "hybrid-nothing-done.json")
        defer { Task { await server.stop() } }
        #expect(report.hybrid == true)
        #expect(report.status(.latestCUAndHotfix) == .actionRequired)
        #expect(report.status(.disconnectIneligible) == .done)
        #expect(report.status(.dedicatedHybridApp) == .actionRequired)
        #expect(report.status(.hybridAppOverride) == .actionRequired)
        #expect(report.status(.authServerAppId) == .actionRequired)
        #expect(report.status(.servicePrincipalCleanUp) == .actionRequired)
        #expect(report.action(.dedicatedHybridApp)?.next?.contains("-FullyConfigureExchangeHybridApplication") == true)
        let keys = try #require(report.sharedPrincipal?.keys)
        #expect(keys.map(\.match) == [.current, .previous])
        #expect(keys.first { $0.thumbprint == MockGraphTenant.currentAuthThumbprint }?.expired == false)
        #expect(keys.contains { $0.expired })
        let hotfix = try #require(report.action(.latestCUAndHotfix)?.servers.first { $0.server == "EX01" })
        #expect(hotfix.next?.contains("15.2.1544.25") == true)
        #expect(report.needsAction)
    }

    @Test func dedicatedAppDoneButSharedKeysRemain() async throws {
        let (report, server) = try await assess(.dedicatedAppSharedKeysRemain(secret: makeSecret()), inventory: "dedicated-app-shared-keys-remain.json")
        defer { Task { await server.stop() } }
        #expect(report.status(.dedicatedHybridApp) == .done)
        #expect(report.status(.hybridAppOverride) == .done)
        #expect(report.status(.authServerAppId) == .done)
        #expect(report.status(.servicePrincipalCleanUp) == .actionRequired)
        #expect(report.action(.servicePrincipalCleanUp)?.next?.contains("-ResetFirstPartyServicePrincipalKeyCredentials") == true)
        #expect(report.warnings.map(\.code) == [.patchedButNotCleanedUp])
        let other = try #require(report.apps.first { $0.role == .otherMailboxWideAccess })
        #expect(other.displayName == "Contoso Mail Backup")
        #expect(report.overall == .actionRequired)
    }

    @Test func fullyRemediatedPasses() async throws {
        let (report, server) = try await assess(.fullyRemediated(secret: makeSecret()), inventory: "fully-remediated.json")
        defer { Task { await server.stop() } }
        for action in report.actions {
            #expect(action.status == .done || action.status == .notApplicable, "\(action.id): \(action.status) \(action.evidence)")
        }
        #expect(report.sharedPrincipal?.clean == true)
        #expect(report.needsAction == false)
        #expect(report.warnings.isEmpty)
    }

    @Test func foreignKeyIsCompromiseSuspected() async throws {
        let (report, server) = try await assess(.foreignKey(secret: makeSecret()), inventory: "fully-remediated.json")
        defer { Task { await server.stop() } }
        #expect(report.status(.servicePrincipalCleanUp) == .compromiseSuspected)
        #expect(report.overall == .compromiseSuspected)
        #expect(report.sharedPrincipal?.keys.first { $0.thumbprint == "DEADBEEF00112233445566778899AABBCCDDEEFF" }?.match == .foreign)
        #expect(!report.huntingSteps.isEmpty)
    }

    @Test func appWithoutConsentNeedsConsent() async throws {
        let (report, server) = try await assess(.appWithoutConsent(secret: makeSecret()), inventory: "fully-remediated.json")
        defer { Task { await server.stop() } }
        #expect(report.status(.dedicatedHybridApp) == .actionRequired)
        #expect(report.action(.dedicatedHybridApp)?.evidence.contains { $0.contains("no admin consent") } == true)
        #expect(report.action(.dedicatedHybridApp)?.next?.contains("Grant admin consent") == true)
    }

    @Test func cleanUpWhileServersBelowHotfixWarnsOfBrokenHybrid() async throws {
        let (report, server) = try await assess(.fullyRemediated(secret: makeSecret()), inventory: "servers-below-hotfix.json")
        defer { Task { await server.stop() } }
        #expect(report.warnings.map(\.code) == [.cleanedUpWhileServerBelowHotfix])
        #expect(report.action(.disconnectIneligible)?.servers.first { $0.server == "EX13" }?.status == .actionRequired)
        #expect(report.action(.latestCUAndHotfix)?.servers.first { $0.server == "EX15OLD" }?.status == .actionRequired)
    }

    @Test func pagingAcrossPagesFindsEveryApp() async throws {
        var tenant = MockGraphTenant.dedicatedAppSharedKeysRemain(secret: makeSecret())
        tenant.behaviour.pageSize = 1
        let (report, server) = try await assess(tenant, inventory: "dedicated-app-shared-keys-remain.json")
        defer { Task { await server.stop() } }
        #expect(report.apps.count == 2)
        #expect(server.requests.filter { $0.path.hasSuffix("appRoleAssignedTo") }.count == 2)
    }

    @Test func throttlingIsRetriedAfterRetryAfter() async throws {
        var tenant = MockGraphTenant.hybridNothingDone(secret: makeSecret())
        tenant.behaviour.throttle = (count: 2, retryAfterSeconds: 1)
        let (report, server) = try await assess(tenant, inventory: "hybrid-nothing-done.json")
        defer { Task { await server.stop() } }
        #expect(report.status(.servicePrincipalCleanUp) == .actionRequired)
        #expect(server.requests.filter { $0.status == 429 }.count == 2)
    }

    @Test func throttlingBeyondTheBoundFailsClearly() async throws {
        var tenant = MockGraphTenant.hybridNothingDone(secret: makeSecret())
        tenant.behaviour.throttle = (count: 10, retryAfterSeconds: 120)
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) {
            _ = try await TenantReader(client: client(server, secret: tenant.clientSecret)).read(organizationGuid: nil, tenantId: nil, now: testNow)
        }
        #expect(error?.code == .throttled)
        #expect(error?.message.contains("wait") == true)
    }

    @Test func expiredTokenIsRenewedForClientCredentials() async throws {
        var tenant = MockGraphTenant.fullyRemediated(secret: makeSecret())
        tenant.behaviour.expireFirstToken = true
        let (report, server) = try await assess(tenant, inventory: "fully-remediated.json")
        defer { Task { await server.stop() } }
        #expect(report.needsAction == false)
        #expect(server.requests.contains { $0.status == 401 })
    }

    @Test func expiredBearerTokenFailsWithAClearMessage() async throws {
        let tenant = MockGraphTenant.fullyRemediated(secret: makeSecret())
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let token = "eyJ0eXAiOiJKV1QifQ.expiredtoken.sig"
        let graph = GraphClient(credential: .bearer(Secret(token)), environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL))
        let error = await #expect(throws: GraphError.self) {
            _ = try await TenantReader(client: graph).read(organizationGuid: nil, tenantId: nil, now: testNow)
        }
        #expect(error?.code == .unauthorized)
        #expect(error?.message.contains("expired") == true)
        #expect(error?.message.contains(token) == false)
    }

    @Test func malformedJSONIsAClearError() async throws {
        var tenant = MockGraphTenant.hybridNothingDone(secret: makeSecret())
        tenant.behaviour.malformedJSON = true
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) {
            _ = try await TenantReader(client: client(server, secret: tenant.clientSecret)).read(organizationGuid: nil, tenantId: nil, now: testNow)
        }
        #expect(error?.code == .malformedResponse)
    }

    @Test func forbiddenNamesTheMissingPermission() async throws {
        var tenant = MockGraphTenant.neverHybrid(secret: makeSecret())
        tenant.behaviour.permissions = []
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) {
            _ = try await TenantReader(client: client(server, secret: tenant.clientSecret)).read(organizationGuid: nil, tenantId: nil, now: testNow)
        }
        #expect(error?.code == .forbidden)
        #expect(error?.missingPermission == "Application.Read.All")
        #expect(error?.message.contains("Application.Read.All") == true)
    }
}
