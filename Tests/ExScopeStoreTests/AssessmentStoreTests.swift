import ExScopeCore
@testable import ExScopeStore
import ExScopeTesting
import Foundation
import GRDB
import Testing

/// The ED 25-02 report of the demo's sample inventory (no Graph: tenant actions are `unknown`), judged at `now`.
func sampleReport(now: String) throws -> AssessmentReport {
    let inventory = try InventoryReader.read(Array(SampleInventory.demo.utf8))
    return OrganisationAssessor(catalog: try Catalog.bundled(), now: try #require(Timestamp(iso8601: now))).assess(inventory: inventory, tenant: nil)
}

func stored(_ report: AssessmentReport) throws -> StoredAssessment {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return StoredAssessment(report: report, document: String(decoding: try encoder.encode(report), as: UTF8.self), storedAt: "2026-11-27T12:00:01Z")
}

@Suite struct AssessmentStoreTests {
    @Test func assessmentsRoundTripLatestFirstWithTheirStatusCounts() async throws {
        let store = try SQLiteStore(path: nil)
        #expect(try await store.latestAssessment() == nil)
        let older = try sampleReport(now: "2026-11-01T08:00:00Z")
        let newer = try sampleReport(now: "2026-11-27T12:00:00Z")
        let first = try await store.saveAssessment(try stored(older))
        let second = try await store.saveAssessment(try stored(newer))
        #expect(second > first)

        let latest = try #require(try await store.latestAssessment())
        #expect(latest.id == second)
        #expect(latest.report == newer)
        #expect(latest.generatedAt == "2026-11-27T12:00:00Z")
        #expect(latest.organizationName == "Contoso (demo sample)")
        #expect(latest.organizationGuid == MockGraphTenant.organizationGuid)
        #expect(latest.overall == newer.overall)
        for status in ActionStatus.allCases {
            #expect(latest.counts[status] ?? 0 == newer.actions.filter { $0.status == status }.count, "\(status)")
        }
        #expect(latest.counts.values.reduce(0, +) == newer.actions.count)

        let all = try await store.assessments()
        #expect(all.map(\.id) == [second, first])
        #expect(all.map(\.generatedAt) == ["2026-11-27T12:00:00Z", "2026-11-01T08:00:00Z"])
        // The history list does not read the documents.
        #expect(all.allSatisfy { $0.document.isEmpty })
    }

    @Test func aStoreWithoutTheAssessmentTableMigratesAndKeepsItsScans() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        // As the first release wrote it: migration v1 only, with a scan.
        let v1 = try #require(StoreSchema.migrations.first?.name)
        #expect(v1.hasPrefix("v1"))
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator(upTo: v1).migrate(old)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO scan (name, started_at) VALUES ('before-assessments', '2026-01-01T00:00:00Z')")
            #expect(try !db.tableExists("assessment"))
        }
        try old.close()

        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations().contains("v3-assessment"))
        #expect(try store.appliedMigrations() == StoreSchema.migrations.map(\.name))
        #expect(try await store.scans().map(\.name) == ["before-assessments"])
        let report = try sampleReport(now: "2026-11-27T12:00:00Z")
        _ = try await store.saveAssessment(try stored(report))
        try await store.close()
        // Reopening applies nothing twice and finds the assessment.
        let again = try SQLiteStore(path: path)
        #expect(try await again.latestAssessment()?.report == report)
        try await again.close()
    }

    /// Builds of main recorded the assessment migration as v2-assessment before it was renumbered.
    @Test func aStoreThatRecordedTheFormerMigrationNameOpensAndKeepsItsAssessments() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator(upTo: "v3-assessment").migrate(old)
        try await old.write { db in
            try db.execute(sql: "UPDATE grdb_migrations SET identifier = 'v2-assessment' WHERE identifier = 'v3-assessment'")
        }
        try old.close()
        let first = try SQLiteStore(path: path)
        let report = try sampleReport(now: "2026-11-27T12:00:00Z")
        _ = try await first.saveAssessment(try stored(report))
        #expect(try first.appliedMigrations() == StoreSchema.migrations.map(\.name))
        try await first.close()
        let again = try SQLiteStore(path: path)
        #expect(try await again.latestAssessment()?.report == report)
        try await again.close()
    }

}
