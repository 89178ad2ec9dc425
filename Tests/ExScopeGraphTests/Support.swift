import ExScopeCore
import ExScopeGraph
import ExScopeTesting
import Foundation
import Logging
import Synchronization

/// The fixed "now" of every organisation test.
let testNow = Timestamp(iso8601: "2026-11-27T12:00:00Z")!

let fixturesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ExScopeCoreTests/Fixtures/inventory")

func fixturePath(_ name: String) -> String { fixturesDirectory.appendingPathComponent(name).path }

func inventory(_ name: String) throws -> Inventory {
    try InventoryReader.read(Array(try Data(contentsOf: fixturesDirectory.appendingPathComponent(name))))
}

let catalog: Catalog = {
    do { return try Catalog.bundled() } catch { fatalError("catalog: \(error)") }
}()

/// A secret unique to each test, so leaks are detectable.
func makeSecret() -> String { "s3cr3t~" + UUID().uuidString }

/// Collects every log line (all levels) so tests can check them for secrets.
final class LogCollector: Sendable {
    let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "test") { _ in CollectingHandler(collector: self) }
        logger.logLevel = .trace
        return logger
    }

    struct CollectingHandler: LogHandler {
        let collector: LogCollector
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            collector.lines.withLock { $0.append("\(event.level) \(event.message) \(merged)") }
        }
    }
}

/// A client for a mock server signed in with a client secret.
func client(_ server: MockGraphServer, secret: String, logs: LogCollector? = nil, maxRetryAfter: Duration = .seconds(5)) -> GraphClient {
    var limits = GraphClient.Limits()
    limits.maximumRetryAfter = maxRetryAfter
    return GraphClient(credential: .clientSecret(tenant: MockGraphTenant.defaultTenantId, clientId: MockGraphTenant.defaultClientId, secret: Secret(secret)),
                       environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL),
                       logger: logs?.logger ?? Logger(label: "none", factory: { _ in SwiftLogNoOpLogHandler() }), limits: limits)
}

/// Reads the mock tenant and assesses it with the inventory fixture.
func assess(_ tenant: MockGraphTenant, inventory name: String?, logs: LogCollector? = nil) async throws -> (AssessmentReport, MockGraphServer) {
    let server = try await MockGraphServer.start(tenant)
    let inv = try name.map(inventory)
    let snapshot = try await TenantReader(client: client(server, secret: tenant.clientSecret, logs: logs))
        .read(organizationGuid: inv?.organizationGuid, tenantId: tenant.tenantId, now: testNow)
    let report = OrganisationAssessor(catalog: catalog, now: testNow).assess(inventory: inv, tenant: snapshot)
    return (report, server)
}

extension AssessmentReport {
    func status(_ id: ActionID) -> ActionStatus? { action(id)?.status }
}
