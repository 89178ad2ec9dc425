@testable import ExScopeCore
import Foundation
import Testing

@Suite struct InventoryReaderTests {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/inventory")

    func read(_ name: String) throws -> Inventory {
        try InventoryReader.read(Array(try Data(contentsOf: Self.directory.appendingPathComponent(name))))
    }

    @Test(arguments: ["never-hybrid.json", "hybrid-nothing-done.json", "dedicated-app-shared-keys-remain.json", "fully-remediated.json",
                      "servers-below-hotfix.json", "exchange-se.json", "auth-certificate-expiring.json"])
    func collectorFixturesRead(_ name: String) throws {
        let inventory = try read(name)
        #expect(inventory.source == .collector)
        #expect(inventory.organizationGuid == "0626ac82-7d72-41c7-9e9b-720b27611111")
        #expect(!inventory.servers.isEmpty)
        #expect(inventory.authConfig?.currentCertificateThumbprint == "C3EDCF181EF4F9B53D01768ECA99564014BCA6E7")
    }

    @Test func healthCheckerReportWithBOMAndBareStringList() throws {
        let inventory = try read("healthchecker-vulnerability-report.json")
        #expect(inventory.source == .healthChecker)
        #expect(inventory.servers.map(\.name) == ["EX01", "EX02", "EX03"])
        #expect(inventory.servers[2].online == false)
        #expect(!inventory.hasOrganizationConfiguration)
    }

    @Test func csvWithHeaderAndExtraColumns() throws {
        let inventory = try read("servers.csv")
        #expect(inventory.source == .csv)
        #expect(inventory.servers.map(\.name) == ["EX01", "EX02"])
        #expect(inventory.servers.map(\.exSetupVersion) == ["15.2.1748.24", "15.1.2507.44"])
    }

    /// A CSV row's only fact is its build: one that is not a build is a broken line (it used to pass as "unknown", exit 0).
    @Test func aCSVBuildThatIsNotABuildNamesItsLine() throws {
        do {
            _ = try InventoryReader.read(Array("name,build\r\nEX01,15.2.1544.11\r\nEX02,garbage\r\n".utf8))
            Issue.record("accepted a line without a build")
        } catch {
            #expect(error.code == .invalid)
            #expect(error.reason.hasPrefix("CSV line 3: 'garbage' is not a build"), "\(error.reason)")
        }
        let inventory = try InventoryReader.read(Array("EX01,Version 15.2 (Build 1544.4)\r\n".utf8))
        #expect(inventory.servers.map(\.exSetupVersion) == ["Version 15.2 (Build 1544.4)"])
    }

    @Test func badInputIsRefusedWithAReason() {
        #expect(throws: InventoryError(code: .invalid, reason: "")) {
            try InventoryReader.read(Array(#"{"schema":"exscope.inventory/1","organization":{"guid":"not-a-guid"},"servers":[]}"#.utf8))
        }
        #expect(throws: InventoryError(code: .wrongSchema, reason: "")) {
            try InventoryReader.read(Array(#"{"schema":"exscope.inventory/9","servers":[]}"#.utf8))
        }
        #expect(throws: InventoryError(code: .notJSON, reason: "")) { try InventoryReader.read(Array("{\"schema\": ".utf8)) }
        #expect(throws: InventoryError(code: .invalid, reason: "")) {
            try InventoryReader.read(Array(#"{"schema":"exscope.inventory/1","servers":[],"authConfig":{"currentCertificateThumbprint":"XYZ"}}"#.utf8))
        }
    }

    @Test func timestampsParseTheFormsGraphWrites() {
        #expect(Timestamp(iso8601: "2025-08-09T21:20:02.7215374Z")?.description == "2025-08-09T21:20:02Z")
        #expect(Timestamp(iso8601: "2028-03-14T10:12:00Z")?.secondsSinceEpoch == 1_836_641_520)
        #expect(Timestamp(iso8601: "2026-01-01T02:00:00+02:00")?.description == "2026-01-01T00:00:00Z")
        #expect(Timestamp(iso8601: "2026-13-01T00:00:00Z") == nil)
        #expect(Timestamp(iso8601: "yesterday") == nil)
    }
}

@Suite struct OrganisationAssessorTests {
    let now = Timestamp(iso8601: "2026-11-27T12:00:00Z")!

    func assess(_ name: String, tenant: TenantSnapshot? = nil, edit: (inout Inventory) -> Void = { _ in }) throws -> AssessmentReport {
        var inventory = try InventoryReader.read(Array(try Data(contentsOf: InventoryReaderTests.directory.appendingPathComponent(name))))
        edit(&inventory)
        return OrganisationAssessor(catalog: bundledCatalog, now: now).assess(inventory: inventory, tenant: tenant)
    }

    @Test func overrideIsParsedNotJustPresent() throws {
        let report = try assess("fully-remediated.json") { $0.settingOverrides[0].parameters = ["Enabled=false"] }
        #expect(report.action(.hybridAppOverride)?.status == .actionRequired)
        #expect(report.action(.hybridAppOverride)?.next?.contains("Enabled=true") == true)
        let two = try assess("fully-remediated.json") { $0.settingOverrides.append($0.settingOverrides[0]) }
        #expect(two.action(.hybridAppOverride)?.status == .actionRequired)
        #expect(try assess("fully-remediated.json").action(.hybridAppOverride)?.status == .done)
    }

    @Test func authCertificateWithinSixtyDaysNeedsAction() throws {
        let report = try assess("auth-certificate-expiring.json")
        let action = try #require(report.action(.authCertificate))
        #expect(action.status == .actionRequired)
        #expect(action.evidence.contains { $0.contains("22 days") })
        #expect(try assess("fully-remediated.json").action(.authCertificate)?.status == .done)
    }

    @Test func exchangeSEMustMoveToGraph() throws {
        let report = try assess("exchange-se.json")
        let action = try #require(report.action(.exchangeSEGraphMove))
        #expect(action.servers.first { $0.server == "EXSE01" }?.status == .actionRequired)
        #expect(action.servers.first { $0.server == "EXSE02" }?.status == .done)
        #expect(report.action(.latestCUAndHotfix)?.status == .done)
    }

    @Test func withoutEntraTheTenantChecksAreUnknown() throws {
        let report = try assess("fully-remediated.json")
        #expect(report.action(.servicePrincipalCleanUp)?.status == .unknown)
        #expect(report.action(.dedicatedHybridApp)?.status == .unknown)
        #expect(report.limits.contains { $0.contains("Entra was not read") })
    }

    @Test func csvInventoryGivesBuildsButUnknownConfiguration() throws {
        let report = try assess("servers.csv")
        #expect(report.action(.hybridAppOverride)?.status == .unknown)
        #expect(report.action(.latestCUAndHotfix)?.servers.map(\.status) == [.done, .actionRequired])
        #expect(report.needsAction)
    }

    @Test func keyIdentifiersInBase64AreMatched() {
        let key = KeyCredential(keyId: nil, customKeyIdentifier: "w+3PGB70+bU9AXaOyplWQBS8puc=", displayName: nil, startDateTime: nil, endDateTime: nil)
        #expect(key.thumbprint == "C3EDCF181EF4F9B53D01768ECA99564014BCA6E7")
    }
}
