import ExScopeCore
@testable import ExScopeStore
import ExScopeTesting
import Foundation
import GRDB
import GRDBSQLite
import Testing

/// Rows written by hand, so every count below is known.
func row(_ ip: String, port: Int = 443, country: String?, build: String? = "15.2.1544.11", confidence: HostProfile.Confidence = .high,
         hybrid: String? = "vulnerable", online: Bool = false, server: String? = nil, product: String? = "Exchange Server 2019",
         cu: String? = "CU14", anomalies: [String] = []) -> ResultRow {
    var findings: [String: String] = [:]
    if let hybrid { findings[HybridFinding.id] = hybrid }
    findings["CVE-2021-26855"] = "not-affected"
    return ResultRow(ip: ip, port: port, hostname: nil, observedAt: "2026-11-01T00:00:00Z", durationMs: 5, status: "success", detected: true,
                     exchangeOnline: online, confidence: confidence, build: online ? nil : build, precision: "exact", anomalies: anomalies,
                     serverName: server, serverKey: server.map { "name:\($0)" } ?? "ip:\(ip)", hybridLikely: false, tenantId: nil,
                     country: country, asn: country == "US" ? 64500 : 64501, asOrganization: country == "US" ? "Example US" : "Example DE",
                     raw: "{\"ip\":\"\(ip)\"}",
                     verdict: VerdictRow(product: online ? nil : product, productId: online ? nil : "exchange-2019", cu: online ? nil : cu,
                                         support: "end-of-life", findings: online ? [:] : findings, asOf: "2026-11-01", catalogDate: "2026-08-20"))
}

let knownRows = [
    row("20.0.0.1", country: "US", server: "mail1"),
    row("20.0.0.1", port: 8443, country: "US", server: "mail1"),           // same address, second port: one host
    row("20.0.0.2", country: "US", confidence: .low),                      // below the default confidence
    row("20.16.0.1", country: "DE", confidence: .medium, hybrid: "patched", cu: "CU15"),
    row("20.16.0.2", country: "DE", online: true),                         // Exchange Online: never counted
    row("20.16.0.3", country: "DE", server: "mail1", anomalies: ["header-contradicts-files"]),  // same server as 20.0.0.1
    row("10.0.0.5", country: "private"),
]

func storeWithKnownRows(name: String = "known") async throws -> SQLiteStore {
    let store = try SQLiteStore(path: nil)
    let id = try await store.openScan(ScanInfo(name: name, startedAt: "2026-11-01T00:00:00Z", enrichment: "country: test ranges"))
    try await store.record(knownRows, scan: id)
    try await store.closeScan(id, endedAt: "2026-11-01T01:00:00Z")
    return store
}

@Suite struct ReportTests {
    func counts(_ report: Report) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: report.rows.map { ($0.key ?? "nil", $0.count) })
    }

    @Test func countsUniqueAddressesOfOnPremisesExchangeAtMediumConfidence() async throws {
        let store = try await storeWithKnownRows()
        let report = try await store.report(ReportRequest(by: .country))
        #expect(counts(report) == ["US": 1, "DE": 2, "private": 1])
        #expect(report.total == 4)
        #expect(report.enrichment == "country: test ranges")
        #expect(report.catalogDates == ["2026-08-20"])
        #expect(report.rows.first?.key == "DE")
        #expect(abs((report.rows.first?.share ?? 0) - 0.5) < 1e-9)
    }

    @Test func filtersByFindingStatusConfidenceAndDedupesByServer() async throws {
        let store = try await storeWithKnownRows()
        let vulnerable = try await store.report(ReportRequest(by: .country, status: .vulnerable))
        #expect(counts(vulnerable) == ["US": 1, "DE": 1, "private": 1])
        let low = try await store.report(ReportRequest(by: .country, status: .vulnerable, minConfidence: .low))
        #expect(counts(low) == ["US": 2, "DE": 1, "private": 1])
        let servers = try await store.report(ReportRequest(by: .country, status: .vulnerable, dedupe: .server))
        #expect(servers.total == 2)  // mail1 (two addresses) and 10.0.0.5
        let cu = try await store.report(ReportRequest(by: .cu))
        #expect(counts(cu) == ["Exchange Server 2019 CU14": 3, "Exchange Server 2019 CU15": 1])
        let asn = try await store.report(ReportRequest(by: .asn, top: 1))
        #expect(asn.rows.count == 1 && asn.otherGroups == 1)
        #expect(asn.rows.first?.detail == "Example DE")
        let findings = try await store.report(ReportRequest(by: .finding, status: .vulnerable, findingIDs: [HybridFinding.id, "CVE-2021-26855"]))
        #expect(counts(findings) == [HybridFinding.id: 3])
        // A named finding filters the total and every group (the filter's verdicts and each id's are separate lists).
        let notAffected = try await store.report(ReportRequest(by: .country, finding: "CVE-2021-26855", status: .notAffected))
        #expect(counts(notAffected) == ["US": 1, "DE": 2, "private": 1] && notAffected.total == 4)
        let patched = try await store.report(ReportRequest(by: .finding, finding: HybridFinding.id, status: .patched,
                                                           findingIDs: [HybridFinding.id, "CVE-2021-26855"]))
        #expect(counts(patched) == [HybridFinding.id: 1] && patched.total == 1)
        let named = try await store.report(ReportRequest(by: .finding, finding: "CVE-2021-26855", status: .notAffected,
                                                         findingIDs: [HybridFinding.id, "CVE-2021-26855"]))
        #expect(counts(named) == ["CVE-2021-26855": 4] && named.total == 4)
    }

    @Test func hostsPageFiltersAndPagesInAddressOrder() async throws {
        let store = try SQLiteStore(path: nil)
        let id = try await store.openScan(ScanInfo(name: "many", startedAt: "2026-11-01T00:00:00Z"))
        var rows: [ResultRow] = []
        for index in (0..<120).reversed() { rows.append(row("20.0.\(index / 100).\(index % 100 + 1)", country: index % 3 == 0 ? "DE" : "US")) }
        rows.append(row("2001:db9::1", country: "DE"))
        try await store.record(rows, scan: id)
        var seen: [String] = []
        var cursor: HostCursor?
        repeat {
            let page = try await store.hosts(HostFilter(), after: cursor, limit: 50)
            seen += page.hosts.compactMap(\.ip)
            cursor = page.next
        } while cursor != nil
        #expect(seen.count == 121)
        #expect(seen.first == "20.0.0.1" && seen[1] == "20.0.0.2" && seen.last == "2001:db9::1")
        let german = try await store.hosts(HostFilter(country: "DE"), limit: 1000)
        #expect(german.hosts.count == 41 && german.next == nil)
        let detail = try #require(try await store.host(id: german.hosts[0].id))
        #expect(detail.findings[HybridFinding.id] == "vulnerable")
        #expect(detail.raw.contains(german.hosts[0].ip ?? "?"))
        let anomalous = try await storeWithKnownRows().hosts(HostFilter(anomaly: "header-contradicts-files"))
        #expect(anomalous.hosts.map(\.ip) == ["20.16.0.3"])
        let overview = try await storeWithKnownRows().overview(scan: nil)
        #expect(overview.exchange == 4)
        #expect(overview.findings[HybridFinding.id]?["vulnerable"] == 3)
        #expect(overview.byCountry.first?.key == "DE")
    }

    @Test func diffAndHistoryCompareScans() async throws {
        let store = try await storeWithKnownRows(name: "first")
        let second = try await store.openScan(ScanInfo(name: "second", startedAt: "2026-11-08T00:00:00Z"))
        try await store.record([
            row("20.0.0.1", country: "US", build: "15.2.1544.25", hybrid: "patched", server: "mail1"),  // fixed
            row("20.16.0.1", country: "DE", confidence: .medium, hybrid: "patched", cu: "CU15"),
            row("20.16.0.3", country: "DE", server: "mail1"),
            row("10.0.0.5", country: "private"),
            row("20.32.0.9", country: "FR"),                                                              // new
        ], scan: second)
        let diff = try await store.diff("first", "second")
        #expect(diff.newlyExposed.map(\.ip) == ["20.32.0.9"])
        #expect(diff.newlyFixed.map(\.ip) == ["20.0.0.1"])
        #expect(diff.gone.map { "\($0.ip ?? ""):\($0.port)" } == ["20.0.0.1:8443"])
        #expect(diff.buildChanges.map(\.ip) == ["20.0.0.1"])
        #expect(diff.byCountry["FR"]?["newlyExposed"] == 1)
        let history = try await store.history()
        #expect(history.map(\.scan) == ["first", "second"])
        #expect(history.map(\.count) == [3, 3])
    }
}

@Suite struct MigrationAndReassessTests {

    @Test func anOlderStoreMigratesOnOpenAndKeepsItsData() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        // A store as the first release wrote it: only the first migration, with data.
        let first = try #require(StoreSchema.migrations.first?.name)
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator(upTo: first).migrate(old)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO scan (name, started_at) VALUES ('old', '2026-01-01T00:00:00Z')")
        }
        try old.close()
        let store = try SQLiteStore(path: path)
        #expect(try store.appliedMigrations() == StoreSchema.migrations.map(\.name))
        #expect(try await store.scans().map(\.name) == ["old"])
        try await store.close()
    }

    @Test func verdictsOfAStoreWrittenBeforeVerdictSetsReadTheSameAfterMigrating() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator(upTo: VerdictSetMigrationFixture.lastMigrationBefore).migrate(old)
        try await old.write { db in
            for statement in VerdictSetMigrationFixture.statements { try db.execute(sql: statement) }
        }
        let before = try await old.read { db in try Row.fetchAll(db, sql: "SELECT * FROM verdict ORDER BY observation_id") }
        try old.close()
        let store = try SQLiteStore(path: path)
        let after = try await store.rows(SQLQuery("SELECT * FROM verdict ORDER BY observation_id"))
        #expect(after.map(\.values) == (try before.map { try SQLiteStore.row($0).values }))
        let sets = try await store.rows(SQLQuery("SELECT id FROM verdict_set ORDER BY id")).compactMap { $0.int(0) }
        #expect(sets == VerdictSetMigrationFixture.setIDs)
        // A verdict stored later gets an id of its own, and one equal to a migrated verdict reuses it.
        let scan = try await store.openScan(ScanInfo(name: "new", startedAt: "2026-11-01T00:00:00Z"))
        var fresh = row("20.0.1.1", country: "US")
        fresh.verdict = VerdictRow(product: "Exchange Server 2019", productId: "exchange-2019", cu: "CU15", findings: [HybridFinding.id: "patched"])
        var same = row("20.0.1.2", country: "US")
        same.verdict = VerdictRow(verdictNote: VerdictSetMigrationFixture.onlineNote, asOf: VerdictSetMigrationFixture.asOf,
                                  catalogDate: VerdictSetMigrationFixture.catalogDate)
        try await store.record([fresh, same], scan: scan)
        let links = try await store.rows(SQLQuery("""
            SELECT ov.verdict_set_id FROM observation_verdict ov JOIN observation o ON o.id = ov.observation_id WHERE o.scan_id = ? ORDER BY o.ip
            """, [.int(scan)])).compactMap { $0.int(0) }
        #expect(links.count == 2 && !sets.contains(links[0]) && links[1] == VerdictSetMigrationFixture.onlineSetID)
        try await store.close()
    }

    /// `v7-observation-target-index` makes the observation table anew (SQLite cannot drop its constraint): every
    /// result keeps its id and values, its record and verdict, and the cascade from its scan; the new index
    /// keeps one result per target as the constraint did.
    @Test func theTargetIndexMigrationKeepsEveryResultAndTargetsUnique() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        let old = try DatabaseQueue(path: path)
        try SQLiteStore.migrator(upTo: "v6-verdict-sets").migrate(old)
        try await old.write { db in
            try db.execute(sql: "INSERT INTO scan (name, started_at) VALUES ('old', '2026-01-01T00:00:00Z')")
            for (index, row) in knownRows.enumerated() {
                try db.execute(sql: StoreStatements.upsertObservationWithoutID, arguments: SQLiteStore.arguments(StoreStatements.observationArguments(row, scan: 1)))
                try db.execute(sql: "INSERT INTO observation_raw (observation_id, raw) VALUES (?, ?)", arguments: [index + 1, row.raw])
                let set = try Int64.fetchOne(db, sql: StoreStatements.insertVerdictSet, arguments: SQLiteStore.arguments(StoreStatements.verdictSetValues(row.verdict)))
                try db.execute(sql: StoreStatements.upsertVerdict, arguments: SQLiteStore.arguments(StoreStatements.verdictArguments(set: set ?? 0, observation: Int64(index + 1), scan: 1)))
            }
        }
        let everything = """
            SELECT o.*, r.raw, v.* FROM observation o JOIN observation_raw r ON r.observation_id = o.id
            JOIN verdict v ON v.observation_id = o.id ORDER BY o.id
            """
        let before = try await old.read { db in try Row.fetchAll(db, sql: everything).map { try SQLiteStore.row($0).values } }
        #expect(before.count == knownRows.count)
        try old.close()

        let store = try SQLiteStore(path: path)
        #expect(try await store.rows(SQLQuery(everything)).map(\.values) == before)
        let indexes = try await store.rows(SQLQuery("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'observation' ORDER BY name"))
        #expect(indexes.compactMap { $0.text(0) } == ["observation_asn", "observation_country_host", "observation_host", "observation_page",
                                                     "observation_scan_order", "observation_server", "observation_status", "observation_target"])
        #expect(try await store.rows(SQLQuery("PRAGMA foreign_key_check")).isEmpty)
        #expect(try await store.rows(SQLQuery("PRAGMA integrity_check")).map { $0.text(0) } == ["ok"])
        // Recording a target again updates its row in place.
        var again = knownRows[0]
        again.country = "FR"
        try await store.record([again], scan: 1)
        let rows = try await store.rows(SQLQuery("SELECT id, country FROM observation WHERE target_key = ?", [.text(again.targetKey)]))
        #expect(rows.map(\.values) == [[.int(1), .text("FR")]])
        #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM observation")).first?.int(0) == knownRows.count)
        // Deleting the scan still takes its results' records and verdict links with it.
        #expect(try await store.deleteScan(named: "old"))
        let left = try await store.rows(SQLQuery("SELECT (SELECT COUNT(*) FROM observation_raw) + (SELECT COUNT(*) FROM observation_verdict)"))
        #expect(left.first?.int(0) == 0)
        try await store.close()
    }

    /// The light scan list a reader walks agrees with the counted one.
    @Test func scanNamesAndResultCountsAgreeWithTheScanSummaries() async throws {
        let store = try await storeWithKnownRows()
        let other = try await store.openScan(ScanInfo(name: "earlier", startedAt: "2026-10-01T00:00:00Z", source: "import"))
        try await store.record(Array(knownRows.prefix(2)), scan: other)
        let summaries = try await store.scans()
        let names = try await store.scanNames()
        #expect(names.map(\.name) == summaries.map(\.name) && names.map(\.name) == ["earlier", "known"])
        #expect(names.map(\.id) == summaries.map(\.id) && names.map(\.source) == summaries.map(\.source))
        for summary in summaries { #expect(try await store.resultCount(scan: summary.id) == summary.results) }
        #expect(try await store.resultCount(scan: other) == 2)
    }

    /// Reading results with their verdicts looks each one up: the `verdict` view is never copied whole.
    @Test func readingResultsWithTheirVerdictsNeverMaterialisesTheView() async throws {
        let store = try await storeWithKnownRows()
        for query in [StoredResult.ofScan(1), SQLQuery("SELECT 1 FROM scan s LEFT JOIN observation o ON o.scan_id = s.id \(StoreStatements.leftJoinVerdict)")] {
            let plan = try await store.rows(SQLQuery("EXPLAIN QUERY PLAN " + query.sql, query.arguments)).compactMap { $0.text(3) }
            #expect(!plan.contains { $0.contains("MATERIALIZE") || $0.contains("AUTOMATIC") }, "\(plan)")
        }
        // Written on the view, the same join would be.
        let viaView = try await store.rows(SQLQuery("EXPLAIN QUERY PLAN SELECT v.cu FROM observation o LEFT JOIN verdict v ON v.observation_id = o.id"))
        #expect(viaView.compactMap { $0.text(3) }.contains { $0.contains("MATERIALIZE") })
        #expect(try await store.rows(StoredResult.ofScan(1)).count == knownRows.count)
    }

    @Test func resultsWithEqualVerdictsShareOneStoredVerdict() async throws {
        let store = try SQLiteStore(path: nil)
        let scan = try await store.openScan(ScanInfo(name: "shared", startedAt: "2026-11-01T00:00:00Z"))
        var rows = (0..<6).map { row("20.0.0.\($0)", country: "US", build: $0 % 2 == 0 ? "15.2.1544.11" : "15.1.2507.39") }
        for index in rows.indices { rows[index].verdict.cu = index % 2 == 0 ? "CU14" : "CU23" }
        try await store.record(rows, scan: scan)
        try await store.record(rows, scan: scan)
        #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM verdict_set")).first?.int(0) == 2)
        let cus = try await store.rows(SQLQuery("SELECT v.cu FROM observation o JOIN verdict v ON v.observation_id = o.id ORDER BY o.ip"))
        #expect(cus.compactMap { $0.text(0) } == ["CU14", "CU23", "CU14", "CU23", "CU14", "CU23"])
        // Judged on another day: other sets; the first day again: the stored ones, read by their dates' index.
        var later = rows
        for index in later.indices { later[index].verdict.asOf = "2026-12-01" }
        try await store.record(later, scan: scan)
        try await store.record(rows, scan: scan)
        #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM verdict_set")).first?.int(0) == 4)
        let lookup = try #require(VerdictSets().query(for: StoreStatements.verdictSetValues(rows[0].verdict)))
        let plan = try await store.rows(SQLQuery("EXPLAIN QUERY PLAN " + lookup.sql, lookup.arguments)).compactMap { $0.text(3) }
        #expect(plan.contains { $0.contains("verdict_set_dates") }, "\(plan)")
        // Reassessing with the catalog adds the catalog's verdicts and moves every result to them.
        _ = try await store.reassess(scan: nil, catalog: try Catalog.bundled(), asOf: CalendarDate(year: 2026, month: 11, day: 27)!)
        let used = try await store.rows(SQLQuery("SELECT COUNT(DISTINCT verdict_set_id) FROM observation_verdict"))
        #expect(used.first?.int(0) == 2)
        #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM verdict_set")).first?.int(0) == 6)
    }

    /// The writers' shortcut for recently met verdicts must agree with the values that identify a set.
    @Test func verdictsAreTheSameSetExactlyWhenTheirSetValuesAreEqual() throws {
        let catalog = try Catalog.bundled()
        var verdicts: [VerdictRow] = []
        for day in [CalendarDate(year: 2025, month: 8, day: 14)!, CalendarDate(year: 2026, month: 11, day: 27)!] {
            for build in ["15.2.1544.11", "15.2.1544.4", "15.2.1748.10", "15.1.2507.39", "15.1.2507.6", "15.0.1497.2", "15.2.986.5", "x", nil] {
                verdicts.append(VerdictRow.judge(build: build, detected: true, exchangeOnline: false, catalog: catalog, asOf: day))
                verdicts.append(VerdictRow.judge(build: build, detected: true, exchangeOnline: true, catalog: catalog, asOf: day))
            }
        }
        for index in verdicts.indices where index % 3 == 0 {
            var other = verdicts[index]
            other.catalogDate = "2024-01-01"
            verdicts.append(other)
            other.verdictNote = "note"
            verdicts.append(other)
        }
        verdicts += [VerdictRow(findings: [HybridFinding.id: "vulnerable"]), VerdictRow(findings: [HybridFinding.id: "patched"]), VerdictRow()]
        #expect(Set(verdicts.map(StoreStatements.verdictSetValues)).count > 20)
        for a in verdicts {
            for b in verdicts {
                #expect(VerdictSets.sameSet(a, b) == (StoreStatements.verdictSetValues(a) == StoreStatements.verdictSetValues(b)))
            }
        }
        var sets = VerdictSets()
        for (index, verdict) in verdicts.enumerated() { sets.remember(verdict, id: Int64(index)) }
        // Only the last few are remembered; each is found as the first remembered verdict with its values.
        let kept = verdicts.suffix(VerdictSets.recentCapacity)
        #expect(sets.recentID(of: verdicts[0]) == nil || kept.contains { VerdictSets.sameSet($0, verdicts[0]) })
        for verdict in kept {
            let id = try #require(sets.recentID(of: verdict))
            #expect(VerdictSets.sameSet(verdicts[Int(id)], verdict))
        }
    }

    /// New stores get 16 KiB pages; a store made with SQLite's default 4 KiB keeps them and works as before.
    @Test func newStoresHaveLargePagesAndOlderStoresKeepTheirs() async throws {
        let fresh = temporaryStorePath(), older = temporaryStorePath()
        defer { removeTemporaryStore(fresh); removeTemporaryStore(older) }
        let store = try SQLiteStore(path: fresh)
        #expect(try await store.rows(SQLQuery("PRAGMA page_size")).first?.int(0) == SQLiteStore.pageSize)
        #expect(try await store.rows(SQLQuery("PRAGMA journal_mode")).first?.text(0) == "wal")
        try await store.close()

        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = 4096") }
        let queue = try DatabaseQueue(path: older, configuration: configuration)
        try SQLiteStore.migrator().migrate(queue)
        try queue.close()
        let reopened = try SQLiteStore(path: older)
        var feed = ListFeed(rows: knownRows)
        _ = try await reopened.importResults(scan: ScanInfo(name: "known", startedAt: "2026-11-01T00:00:00Z"), feed: &feed)
        #expect(try await reopened.rows(SQLQuery("PRAGMA page_size")).first?.int(0) == 4096)
        #expect(try await reopened.rows(SQLQuery("SELECT COUNT(*) FROM observation")).first?.int(0) == knownRows.count)
        #expect(try await reopened.rows(SQLQuery("PRAGMA integrity_check")).map { $0.text(0) } == ["ok"])
        try await reopened.close()
    }

    @Test func openingAStoreWhileAnotherProcessWritesDoesNotWaitForIt() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        try await SQLiteStore(path: path).close()
        // Another connection (an import, say) holds the write lock for as long as its transaction lasts.
        var other: OpaquePointer?
        guard sqlite3_open(path, &other) == SQLITE_OK else { Issue.record("cannot open the store"); return }
        defer { sqlite3_close(other) }
        // A scan written before (so the write-ahead log is not empty, as while any writer works), then one
        // being written, not yet committed.
        #expect(sqlite3_exec(other, "INSERT INTO scan (name, started_at) VALUES ('earlier', '2026-01-01T00:00:00Z')", nil, nil, nil) == SQLITE_OK)
        #expect(sqlite3_exec(other, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK)
        #expect(sqlite3_exec(other, "INSERT INTO scan (name, started_at) VALUES ('importing', '2026-01-02T00:00:00Z')", nil, nil, nil) == SQLITE_OK)
        // Opening and reading need no write: otherwise this waits out the 30 s busy timeout and fails.
        let store = try SQLiteStore(path: path)
        #expect(try await store.scans().map(\.name) == ["earlier"])
        #expect(try store.appliedMigrations() == StoreSchema.migrations.map(\.name))
        #expect(sqlite3_exec(other, "ROLLBACK", nil, nil, nil) == SQLITE_OK)
        try await store.close()
    }

    @Test func aStoreFromANewerVersionIsRefused() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        try await SQLiteStore(path: path).close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')") }
        try queue.close()
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let error = error as? StoreError
            return error?.message.contains("written by a newer ExScope (unknown migrations: v99-from-the-future)") == true && error?.isBadInput == true
        }
    }

    /// Another program's SQLite database is refused as bad input, and left exactly as it was (a write-ahead log
    /// turned on by opening it would be a change to someone else's file).
    @Test func aForeignDatabaseIsRefusedUntouched() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "CREATE TABLE other (x)") }
        try queue.close()
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let error = error as? StoreError
            return error?.message == "\(path) is a SQLite database but not an ExScope store" && error?.isBadInput == true
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
    }

    /// A file that is not a SQLite database, and a directory, are bad input named as such.
    @Test func whatIsNotADatabaseIsRefusedAsBadInput() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        try Data("not a database, a page long: ".utf8 + [UInt8](repeating: 0x41, count: 4096)).write(to: URL(fileURLWithPath: path))
        #expect {
            _ = try SQLiteStore(path: path)
        } throws: { error in
            let error = error as? StoreError
            return error?.message == "\(path) is not a SQLite database; --store takes an ExScope store or a postgres:// URL" && error?.isBadInput == true
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        #expect {
            _ = try SQLiteStore(path: folder)
        } throws: { error in
            let error = error as? StoreError
            return error?.message == "store \(folder) is a directory; --store takes a SQLite file or a postgres:// URL" && error?.isBadInput == true
        }
    }

    @Test func reassessRecomputesVerdictsFromObservations() async throws {
        let store = try SQLiteStore(path: nil)
        let id = try await store.openScan(ScanInfo(name: "stale", startedAt: "2026-11-01T00:00:00Z"))
        // Verdicts as an old catalog gave them: wrong product, no findings.
        var stale = row("20.0.0.1", country: "US", build: "15.2.1544.11")
        stale.verdict = VerdictRow(product: "old", findings: [:], catalogDate: "2020-01-01")
        var online = row("20.0.0.2", country: "US", online: true)
        online.verdict.findings = ["X": "vulnerable"]
        try await store.record([stale, online], scan: id)
        let catalog = try Catalog.bundled()
        let judged = try await store.reassess(scan: nil, catalog: catalog, asOf: CalendarDate(year: 2026, month: 11, day: 27)!)
        #expect(judged == 2)
        let hosts = try await store.hosts(HostFilter(), limit: 10).hosts
        #expect(hosts[0].product == "Exchange Server 2019" && hosts[0].cu == "CU14" && hosts[0].update == "Apr24HU")
        #expect(hosts[0].hybridStatus == "vulnerable")
        #expect(hosts[1].hybridStatus == nil && hosts[1].product == nil)
        let report = try await store.report(ReportRequest(by: .product, status: .vulnerable))
        #expect(report.total == 1)
        #expect(report.catalogDates == [catalog.date.description])
    }
}

/// Rows handed over one at a time; throws at `failAt` (a bad line).
struct ListFeed: ResultFeed {
    var rows: [ResultRow]
    var failAt: Int?
    var position = 0

    mutating func next() throws -> ImportRow? {
        defer { position += 1 }
        if position == failAt { throw StoreError("bad line") }
        return position < rows.count ? ImportRow(rows[position]) : nil
    }
}

/// Rows as an import's feed hands them over, prepared by the store ahead of its writer.
struct PreparedFeed: ResultFeed {
    var rows: [ImportRow]
    mutating func next() throws -> ImportRow? { rows.isEmpty ? nil : rows.removeFirst() }
}

@Suite struct ImportTests {
    func indexes(_ store: SQLiteStore) async throws -> [String] {
        try await store.rows(SQLQuery("SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")).compactMap { $0.text(0) }
    }

    @Test func aFailedImportIntoAnEmptyStoreLeavesNothingAndKeepsEveryIndex() async throws {
        let store = try SQLiteStore(path: nil)
        let before = try await indexes(store)
        #expect(before.contains("observation_country_host") && before.contains("observation_verdict_set"))
        var failing = ListFeed(rows: knownRows, failAt: 4)
        await #expect(throws: StoreError.self) {
            _ = try await store.importResults(scan: ScanInfo(name: "broken", startedAt: "2026-11-01T00:00:00Z"), feed: &failing)
        }
        #expect(try await indexes(store) == before)
        #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM observation")).first?.int(0) == 0)
        // The verdict sets it stored went with it.
        #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM verdict_set")).first?.int(0) == 0)
        #expect(try await store.scans().isEmpty)
    }

    @Test func importingTwiceGivesTheSameDataAndTheSameIndexes() async throws {
        let store = try SQLiteStore(path: nil)
        let before = try await indexes(store)
        for _ in 0..<2 {
            var feed = ListFeed(rows: knownRows)
            let summary = try await store.importResults(scan: ScanInfo(name: "known", startedAt: "2026-11-01T00:00:00Z"), feed: &feed)
            #expect(summary.rows == knownRows.count)
            #expect(try await indexes(store) == before)
            #expect(try await store.rows(SQLQuery("SELECT COUNT(*) FROM observation")).first?.int(0) == knownRows.count)
            let report = try await store.report(ReportRequest(by: .country))
            #expect(report.total == 4)
            #expect(report.rows.map(\.count) == [2, 1, 1])
        }
    }

    /// Enough results that the largest rebuilt index is sorted in more than one run of ``SQLiteStore/sortRunKiB`` and merged.
    @Test func indexesRebuiltInSeveralSortedRunsAgreeWithTheTable() async throws {
        let store = try SQLiteStore(path: nil)
        let countries = ["US", "DE", "FR"]
        let rows = (0..<90_000).map { index in
            row("20.\(index >> 16).\((index >> 8) & 255).\(index & 255)", country: countries[index % 3], server: "mail-\(index % 7_000).example.org",
                cu: "CU\(index % 4)")
        }
        var feed = ListFeed(rows: rows)
        _ = try await store.importResults(scan: ScanInfo(name: "large", startedAt: "2026-11-01T00:00:00Z"), feed: &feed)
        let largest = try await store.rows(SQLQuery("SELECT SUM(pgsize) FROM dbstat WHERE name = 'observation_country_host'")).first?.int(0) ?? 0
        #expect(largest > SQLiteStore.sortRunKiB * 1024)
        #expect(try await store.rows(SQLQuery("PRAGMA integrity_check")).map { $0.text(0) } == ["ok"])
        let report = try await store.report(ReportRequest(by: .country))
        #expect(report.rows.map(\.count) == [30_000, 30_000, 30_000])
        #expect(try await store.report(ReportRequest(by: .country, dedupe: .server)).total == 7_000)
        // The import's settings are the connection's usual ones again: temporary storage in memory, a 2 MB cache,
        // foreign keys checked, no sorter threads.
        #expect(try await store.rows(SQLQuery("PRAGMA temp_store")).first?.int(0) == 2)
        #expect(try await store.rows(SQLQuery("PRAGMA cache_size")).first?.int(0) == -2000)
        #expect(try await store.rows(SQLQuery("PRAGMA foreign_keys")).first?.int(0) == 1)
        #expect(try await store.rows(SQLQuery("PRAGMA threads")).first?.int(0) == 0)
    }

    /// The store benchmark's "SQLite alone" figure: the copy must hold what the import wrote.
    @Test func copyingAStoreBySQLAloneGivesTheSameResultsAndReports() async throws {
        let source = temporaryStorePath(), copy = temporaryStorePath()
        defer { removeTemporaryStore(source); removeTemporaryStore(copy) }
        let original = try SQLiteStore(path: source)
        var feed = ListFeed(rows: knownRows)
        _ = try await original.importResults(scan: ScanInfo(name: "known", startedAt: "2026-11-01T00:00:00Z"), feed: &feed)
        try await original.close()
        let copied = try SQLiteStore(path: copy)
        let result = try await copied.copyResults(from: source)
        #expect(result.results == knownRows.count)
        #expect(result.phases.map(\.name) == ["insert", "index", "commit"])
        let reopened = try SQLiteStore(path: source)
        let everything = SQLQuery("""
            SELECT s.name, o.*, r.raw, v.* FROM observation o JOIN scan s ON s.id = o.scan_id
            JOIN observation_raw r ON r.observation_id = o.id JOIN verdict v ON v.observation_id = o.id ORDER BY o.id
            """)
        #expect(try await copied.rows(everything).map(\.values) == reopened.rows(everything).map(\.values))
        #expect(try await copied.report(ReportRequest(by: .country)).rows == reopened.report(ReportRequest(by: .country)).rows)
        #expect(try await copied.rows(SQLQuery("PRAGMA integrity_check")).map { $0.text(0) } == ["ok"])
        await #expect(throws: StoreError.self) { try await copied.copyResults(from: source) }
        try await copied.close()
        try await reopened.close()
    }

    /// An import into an empty store writes without the index that keeps targets unique and builds it
    /// afterwards. A target listed twice keeps its later line, with that line's record and verdict, as in an
    /// import into a store that has results already (an upsert per line), and nothing of the earlier line is left.
    @Test func aTargetListedTwiceKeepsItsLaterLineWhetherTheStoreWasEmptyOrNot() async throws {
        var later = knownRows[0]
        later.country = "DE"
        later.raw = "{\"again\":true}"
        later.verdict.cu = "CU99"
        let twice = SQLQuery("""
            SELECT o.target_key, o.country, r.raw, v.cu FROM observation o JOIN scan s ON s.id = o.scan_id
            JOIN observation_raw r ON r.observation_id = o.id JOIN verdict v ON v.observation_id = o.id
            WHERE s.name = 'twice' ORDER BY o.target_key
            """)
        var imported: [[[SQLValue]]] = []
        for storeIsEmpty in [true, false] {
            let store = try SQLiteStore(path: nil)
            let before = try await indexes(store)
            if !storeIsEmpty {
                var other = ListFeed(rows: [row("30.0.0.1", country: "US")])
                _ = try await store.importResults(scan: ScanInfo(name: "other", startedAt: "2026-10-01T00:00:00Z"), feed: &other)
            }
            var feed = ListFeed(rows: knownRows + [later])
            _ = try await store.importResults(scan: ScanInfo(name: "twice", startedAt: "2026-11-01T00:00:00Z"), feed: &feed)
            let rows = try await store.rows(twice).map(\.values)
            #expect(rows.count == knownRows.count)
            #expect(rows.first { $0.first == .text(later.targetKey) } == [.text(later.targetKey), .text("DE"), .text(later.raw), .text("CU99")])
            let counts = try await store.rows(SQLQuery("""
                SELECT (SELECT COUNT(*) FROM observation), (SELECT COUNT(*) FROM observation_raw), (SELECT COUNT(*) FROM observation_verdict)
                """)).first?.values
            let results = SQLValue.int(Int64(knownRows.count + (storeIsEmpty ? 0 : 1)))
            #expect(counts == [results, results, results])
            #expect(try await indexes(store) == before)
            #expect(try await store.rows(SQLQuery("PRAGMA integrity_check")).map { $0.text(0) } == ["ok"])
            imported.append(rows)
        }
        #expect(imported[0] == imported[1])
    }

    /// Every kind of value the writer binds from its laid-out buffer (``BoundValues``) reads back as the row had
    /// it: NULLs, integers, empty and non-ASCII text, text longer than a page, and the record.
    @Test func aResultsValuesReadBackAsWrittenThroughTheBoundBuffer() async throws {
        var written = row("2001:db8::7", port: 8443, country: nil, server: "mäil-ß.example.org", anomalies: ["header-contradicts-files", "x"])
        written.hostname = String(repeating: "h", count: 20_000) + ".example.org"
        written.tenantId = ""
        written.asn = nil
        written.raw = "{\"note\":\"ünïcode \\u0000 and more\"}"
        let store = try SQLiteStore(path: nil)
        let prepared = store.prepareForImport(written)
        #expect(prepared.bound != nil)
        var feed = PreparedFeed(rows: [prepared, store.prepareForImport(knownRows[0])])
        _ = try await store.importResults(scan: ScanInfo(name: "bound", startedAt: "2026-11-01T00:00:00Z"), feed: &feed)
        let scan = Int64(try #require(try await store.rows(SQLQuery("SELECT id FROM scan WHERE name = 'bound'")).first?.int(0)))
        let columns = "scan_id, target_key, ip, ip_sort, port, hostname, observed_at, duration_ms, status, detected, exchange_online, "
            + "confidence, build, build_precision, anomalies, server_name, server_key, hybrid_likely, tenant_id, country, asn, as_org"
        let stored = try await store.rows(SQLQuery("SELECT \(columns), r.raw FROM observation o JOIN observation_raw r ON r.observation_id = o.id ORDER BY o.id"))
        #expect(stored.map(\.values) == [written, knownRows[0]].map { StoreStatements.observationArguments($0, scan: scan) + [.text($0.raw)] })
        // The scan's own writer (no preparing ahead) stores the same.
        let live = try await store.openScan(ScanInfo(name: "live", startedAt: "2026-11-01T00:00:00Z"))
        try await store.record([written], scan: live)
        let again = try await store.rows(SQLQuery("SELECT \(columns), r.raw FROM observation o JOIN observation_raw r ON r.observation_id = o.id WHERE o.scan_id = ?", [.int(live)]))
        #expect(again.map(\.values) == [StoreStatements.observationArguments(written, scan: live) + [.text(written.raw)]])
    }

    @Test func reimportingUpdatesEveryResultInPlaceWithItsRawRecordAndVerdict() async throws {
        let store = try SQLiteStore(path: nil)
        let scan = ScanInfo(name: "known", startedAt: "2026-11-01T00:00:00Z")
        var first = ListFeed(rows: knownRows)
        _ = try await store.importResults(scan: scan, feed: &first)
        let ids = try await store.rows(SQLQuery("SELECT id FROM observation ORDER BY id")).compactMap { $0.int(0) }
        var changed = knownRows
        for index in changed.indices {
            changed[index].raw = "{\"again\":\(index)}"
            changed[index].verdict.cu = "CU99"
        }
        var second = ListFeed(rows: changed)
        _ = try await store.importResults(scan: scan, feed: &second)
        let rows = try await store.rows(SQLQuery("""
            SELECT o.id, r.raw, v.cu FROM observation o JOIN observation_raw r ON r.observation_id = o.id
            JOIN verdict v ON v.observation_id = o.id ORDER BY o.id
            """))
        #expect(rows.compactMap { $0.int(0) } == ids)
        #expect(rows.map { $0.text(1) } == changed.map(\.raw))
        #expect(rows.allSatisfy { $0.text(2) == "CU99" })
    }
}

@Suite struct ResultRowTests {
    /// The target key, address sort key and finding lists are made in `init` (where Swift runs no
    /// property observers) and again by the observers whenever their fields change afterwards.
    @Test func derivedColumnsFollowTheirFieldsWhenTheRowChangesAfterItIsMade() throws {
        var changed = row("20.0.0.1", country: "US")
        changed.ip = "2001:db8::1"
        #expect(changed.targetKey == "2001:db8::1|443|")
        changed.port = 8443
        let made = row("2001:db8::1", port: 8443, country: "US")
        #expect(changed.targetKey == made.targetKey && changed.ipSort == made.ipSort)
        #expect(changed.targetKey == "2001:db8::1|8443|" && changed.ipSort.hasPrefix("6"))
        changed.ip = nil
        changed.hostname = "mail.example"
        #expect(changed.targetKey == "|8443|mail.example" && changed.ipSort == "zmail.example")

        changed.verdict.findings = ["CVE-2021-26855": "patched", HybridFinding.id: "vulnerable"]
        #expect(changed.verdict.lists.vulnerable == " \(HybridFinding.id) " && changed.verdict.lists.patched == " CVE-2021-26855 ")
        #expect(changed.verdict.lists.notAffected.isEmpty)
        // `judge` sets the findings of a row it has made.
        let judged = VerdictRow.judge(build: "15.2.1544.11", detected: true, exchangeOnline: false, catalog: try Catalog.bundled(),
                                      asOf: CalendarDate(year: 2026, month: 11, day: 27)!)
        #expect(judged.lists.vulnerable.contains(" \(HybridFinding.id) "))
        #expect(judged.lists == FindingLists(judged.findings))
    }

    /// The key written out digit by digit with the standard library, to check the table-driven one.
    private static func expected(_ address: IPAddress) -> String {
        let (family, value, digits): (String, UInt128, Int) = switch address {
        case .v4(let value): ("4", UInt128(value), 8)
        case .v6(let value): ("6", value, 32)
        }
        let text = String(value, radix: 16)
        return family + String(repeating: "0", count: digits - text.count) + text
    }

    @Test func sortKeysSpellTheAddressInFixedWidthHex() {
        #expect(ResultRow.sortKey(ip: "127.0.0.1", hostname: nil) == "47f000001")
        #expect(ResultRow.sortKey(ip: "0.0.0.0", hostname: "x") == "400000000")
        #expect(ResultRow.sortKey(ip: "2001:db8::1", hostname: nil) == "620010db8000000000000000000000001")
        #expect(ResultRow.sortKey(ip: nil, hostname: "mail.example") == "zmail.example")
        #expect(ResultRow.sortKey(ip: "not-an-address", hostname: "mail.example") == "zmail.example")
    }

    @Test func sortKeysOrderAddressesNumerically() throws {
        var generator = SystemRandomNumberGenerator()
        let addresses: [IPAddress] = (0..<2_000).map { index in
            index.isMultiple(of: 3) ? .v6(UInt128(generator.next() as UInt64) << 64 | UInt128(generator.next() as UInt64))
                : .v4(UInt32.random(in: 0...UInt32.max, using: &generator))
        } + [.v4(0), .v4(.max), .v6(0), .v6(.max)]
        for address in addresses {
            #expect(ResultRow.sortKey(ip: address.description, hostname: nil) == Self.expected(address))
        }
        let byKey = addresses.sorted { ResultRow.sortKey(ip: $0.description, hostname: nil) < ResultRow.sortKey(ip: $1.description, hostname: nil) }
        #expect(byKey == addresses.sorted())
    }
}

@Suite struct StoreRevisionTests {
    /// What a long-running reader (`exscope serve`) sees change, and what it does not.
    @Test func theRevisionChangesWhenAScanIsAddedEndsOrGrowsAndWhenAnAssessmentIsStored() async throws {
        let store = try SQLiteStore(path: nil)
        var last = try await store.revision()
        func changed() async throws -> Bool {
            let now = try await store.revision()
            defer { last = now }
            return now != last
        }
        let id = try await store.openScan(ScanInfo(name: "running", startedAt: "2026-11-01T00:00:00Z"))
        #expect(try await changed())
        try await store.record([row("20.0.0.1", country: "US")], scan: id)
        #expect(try await !changed())  // a running scan's batches
        try await store.closeScan(id, endedAt: "2026-11-01T01:00:00Z")
        #expect(try await changed())
        try await store.record([row("20.0.0.2", country: "US")], scan: id)
        #expect(try await changed())  // results added to an ended scan (an import into it)
        _ = try await store.reassess(scan: nil, catalog: try Catalog.bundled(), asOf: CalendarDate(year: 2026, month: 11, day: 27)!)
        #expect(try await !changed())
        _ = try await store.saveAssessment(try stored(try sampleReport(now: "2026-11-27T12:00:00Z")))
        #expect(try await changed())
        #expect(try await store.deleteScan(named: "running"))
        #expect(try await changed())
    }
}

/// A store file in a folder of its own, so that removing the folder also removes SQLite's `-wal` and
/// `-shm` files, which outlive a store that is not closed.
func temporaryStorePath() -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("store.sqlite").path
}

/// Removes a ``temporaryStorePath()`` store with its folder.
func removeTemporaryStore(_ path: String) {
    try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path)
}
