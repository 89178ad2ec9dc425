@testable import ExScopeCLI
import ExScopeCore
import ExScopeDashboard
import ExScopeStore
import ExScopeTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard's data read from a SQLite store: the synthetic August 2025 scan comes back with its
/// published country split, and a host's page carries the full stored record.
@Suite(.serialized) struct StoreDashboardSourceTests {
    static let asOf = CalendarDate(year: 2025, month: 8, day: 14)!

    @Test func theStoreSourceCountsTheStoredScanAndReadsFullRecords() async throws {
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let imported = await ExScope.run(arguments: ["import", scan.scanFile.path, "--store", scan.store, "--geoip-ranges", scan.rangeFile.path])
        #expect(imported == 0)
        let store = try SQLiteStore(path: scan.store)
        let source = try await StoreDashboardSource.load(store, catalog: try Catalog.bundled(), asOf: Self.asOf, assessment: nil)

        let overview = try await source.overview(scan: nil, finding: "CVE-2025-53786", minConfidence: .medium)
        #expect(overview.totals.exchangeHosts == ExposureTableGenerator.august2025Total)
        #expect(overview.status.vulnerable == ExposureTableGenerator.august2025Total)
        let top = overview.countries.prefix(7).map { [$0.key, String($0.counts.vulnerable)] }
        #expect(top == ExposureTableGenerator.august2025Top.map { [$0.country, String($0.hosts)] })

        let german = try await source.hosts(HostQuery(scan: nil, finding: "CVE-2025-53786", status: .vulnerable, country: "DE", limit: 5))
        #expect(german.matching == 6_682)
        let row = try #require(german.rows.first)
        #expect(row.product?.hasPrefix("Exchange Server") == true && row.status == .vulnerable)

        // The host page: the stored record, not the index's slim copy.
        let detail = try #require(try await source.host(scan: nil, address: row.address, port: row.port))
        let line = try #require(try String(contentsOf: scan.scanFile, encoding: .utf8).split(separator: "\n").first { $0.contains("\"\(row.address)\"") })
        let stored = try JSONDecoder().decode(ScanRecord.self, from: Data(line.utf8))
        #expect(!stored.evidence.isEmpty && detail.record.evidence == stored.evidence)
        #expect(detail.record.exchange?.signals == stored.exchange?.signals)
        #expect(detail.record.finding("CVE-2025-53786") == .vulnerable)
        #expect(detail.location?.countryCode == "DE")
        #expect(try await source.host(scan: nil, address: "192.0.2.1", port: 443) == nil)
        try await store.close()
    }

    /// A store holding the first of two weekly scans, a source over it, and a way to import the second
    /// (as another process would).
    static func firstWeek(checkInterval: Duration) async throws
        -> (fixture: SyntheticScan, store: SQLiteStore, source: StoreDashboardSource, importSecond: @Sendable () async -> Int32) {
        let (fixture, first, second) = try StoreWorkflowTests.scans()
        @Sendable func importing(_ file: URL) async -> Int32 {
            await ExScope.run(arguments: ["import", file.path, "--store", fixture.store, "--geoip-ranges", fixture.rangeFile.path])
        }
        #expect(await importing(first) == 0)
        let store = try SQLiteStore(path: fixture.store)
        let source = try await StoreDashboardSource.load(store, catalog: try Catalog.bundled(), asOf: asOf, assessment: nil,
                                                         checkInterval: checkInterval)
        return (fixture, store, source, { await importing(second) })
    }

    /// `exscope serve` while another process imports a scan: the pages already rendered keep being
    /// served while the store is loaded again, then the new scan is on them.
    @Test func aScanImportedWhileTheDashboardRunsIsServed() async throws {
        // The revision is read on every request (serve reads it at most once a second).
        let (fixture, store, source, importSecond) = try await Self.firstWeek(checkInterval: .zero)
        defer { fixture.remove() }
        let app = Application(router: try Dashboard(source: source).router())
        try await app.test(.router) { client in
            func page(_ uri: String) async throws -> String {
                try await client.execute(uri: uri, method: .get) { String(buffer: $0.body) }
            }
            let before = try await page("/scans")
            #expect(before.contains("week-1") && !before.contains("week-2"))
            // Asked again with nothing written: no new load.
            _ = try await page("/scans")
            await source.reloaded()
            #expect(source.version == 0)

            #expect(await importSecond() == 0)
            // This request sees the change and starts loading; it is answered from what is loaded.
            #expect(try await page("/scans") == before)
            await source.reloaded()
            #expect(source.version == 1)
            #expect(try await page("/scans").contains("week-2"))
            #expect(try await page("/api/overview?scan=week-2").contains("\"exchangeHosts\""))
            // Only the new scan was read; the first was kept as indexed, and both answer as a fresh load does.
            #expect(source.loaded.read == ["week-2"])
            let fresh = try await StoreDashboardSource.load(store, catalog: try Catalog.bundled(), asOf: Self.asOf, assessment: nil)
            #expect(fresh.loaded.read == ["week-1", "week-2"])
            #expect(try await source.scans() == fresh.scans())
            for scan in ["week-1", "week-2"] {
                #expect(try await source.overview(scan: scan, finding: "CVE-2025-53786", minConfidence: .medium)
                        == fresh.overview(scan: scan, finding: "CVE-2025-53786", minConfidence: .medium))
                #expect(try await source.hosts(HostQuery(scan: scan)) == fresh.hosts(HostQuery(scan: scan)))
            }
            // A store that cannot be read leaves the loaded data in use.
            try await store.close()
            #expect(try await source.dataVersion() == 1)
            #expect(try await page("/api/scans").contains("week-2"))
        }
    }

    /// The revision is read at most once per interval: a change within it waits for the next check.
    @Test func theStoreIsAskedAtMostOncePerInterval() async throws {
        let (fixture, store, source, importSecond) = try await Self.firstWeek(checkInterval: .seconds(3600))
        defer { fixture.remove() }
        #expect(try await source.dataVersion() == 0)  // the first check
        #expect(await importSecond() == 0)
        #expect(try await source.dataVersion() == 0)
        await source.reloaded()
        #expect(source.version == 0)
        #expect(try await source.scans().map(\.name) == ["week-1"])
        try await store.close()
    }
}
