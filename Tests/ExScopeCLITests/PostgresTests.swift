import ExScopeCore
import ExScopeStore
import ExScopeStorePostgres
import ExScopeTesting
import Foundation
import Testing

/// The PostgreSQL that scripts/test starts, or a clear failure under CI.
enum TestPostgres {
    static var url: String? {
        let environment = ProcessInfo.processInfo.environment
        if let url = environment["EXSCOPE_TEST_POSTGRES_URL"], !url.isEmpty { return url }
        if environment["CI"] != nil {
            Issue.record("EXSCOPE_TEST_POSTGRES_URL is not set under CI: scripts/test starts PostgreSQL and sets it")
        } else {
            // Outside scripts/test: recorded, not failed.
            print("note: PostgreSQL tests skipped: EXSCOPE_TEST_POSTGRES_URL is not set (scripts/test sets it)")
        }
        return nil
    }
}

/// Runs several exscope processes at once and waits for all.
func runConcurrently(_ argumentLists: [[String]]) async throws -> [ExScopeProcess] {
    try await withThrowingTaskGroup(of: (Int, ExScopeProcess).self) { group in
        for (index, arguments) in argumentLists.enumerated() {
            group.addTask { (index, try ExScopeProcess.run(arguments)) }
        }
        var results: [(Int, ExScopeProcess)] = []
        for try await result in group { results.append(result) }
        return results.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

@Suite(.serialized) struct PostgresTests {
    @Test func theAugust2025TableThroughThreeConcurrentImports() async throws {
        guard let url = TestPostgres.url else { return }
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let name = "synthetic-shadowserver-2025-08-pg-\(UUID().uuidString.prefix(8))"
        let lines = try String(contentsOf: scan.scanFile, encoding: .utf8).split(separator: "\n")
        var parts: [URL] = []
        for part in 0..<3 {
            let slice = lines.enumerated().filter { $0.offset % 3 == part }.map { String($0.element) }
            parts.append(try scan.write("part\(part).jsonl", slice.joined(separator: "\n")))
        }
        let imports = try await runConcurrently(parts.map {
            ["import", $0.path, "--scan-name", name, "--store", url, "--geoip-ranges", scan.rangeFile.path, "--label", "synthetic=true"]
        })
        for result in imports { #expect(result.status == 0, "\(result.stderr)") }
        let report = try ExScopeProcess.run(["report", "--scan", name, "--by", "country", "--top", "7", "--format", "json", "--store", url])
        #expect(report.status == 0, "\(report.stderr)")
        let object = try #require(try report.jsonLines().first)
        #expect(object["total"] as? Int == ExposureTableGenerator.august2025Total)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String ?? "" } == ExposureTableGenerator.august2025Top.map(\.country))
        #expect(rows.map { $0["count"] as? Int ?? 0 } == ExposureTableGenerator.august2025Top.map(\.hosts))
        // Importing one part again changes nothing.
        #expect(try ExScopeProcess.run(["import", parts[0].path, "--scan-name", name, "--store", url, "--geoip-ranges", scan.rangeFile.path]).status == 0)
        let again = try ExScopeProcess.run(["report", "--scan", name, "--format", "json", "--store", url]).jsonLines().first
        #expect(again?["total"] as? Int == ExposureTableGenerator.august2025Total)
    }

    @Test func aStoreWrittenBeforeVerdictSetsMigratesWithTheSameVerdicts() async throws {
        guard let url = TestPostgres.url, var components = URLComponents(string: url) else { return }
        let database = "exscope_migration_\(UUID().uuidString.prefix(8).lowercased())"
        try await using(url) { _ = try await $0.rows(SQLQuery("CREATE DATABASE \(database)")) }
        components.path = "/" + database
        let olderURL = try #require(components.string)
        let verdicts = "SELECT * FROM verdict ORDER BY observation_id"
        let before = try await using(olderURL, migratingThrough: VerdictSetMigrationFixture.lastMigrationBefore) { old in
            for statement in VerdictSetMigrationFixture.statements { _ = try await old.rows(SQLQuery(statement)) }
            return try await old.rows(SQLQuery(verdicts))
        }
        try await using(olderURL) { store in
            #expect(try await store.appliedMigrations().sorted() == StoreSchema.migrations.map(\.name).sorted())
            #expect(try await store.rows(SQLQuery(verdicts)).map(\.values) == before.map(\.values))
            #expect(try await store.rows(SQLQuery("SELECT id FROM verdict_set ORDER BY id")).compactMap { $0.int(0) } == VerdictSetMigrationFixture.setIDs)
            // A verdict stored after the migration is numbered apart from the migrated ones.
            let scan = try await store.openScan(ScanInfo(name: "new", startedAt: "2026-11-01T00:00:00Z"))
            var fresh = try ScanLineDecoder().decode(Substring(Self.record)).row
            fresh.country = "US"
            try await store.record([fresh], scan: scan)
            let sets = try await store.rows(SQLQuery("SELECT id FROM verdict_set ORDER BY id")).compactMap { $0.int(0) }
            #expect(sets.count == VerdictSetMigrationFixture.setIDs.count + 1 && sets.last.map { $0 > 0 } == true)
        }
        try await using(url) { _ = try await $0.rows(SQLQuery("DROP DATABASE \(database)")) }
    }

    /// Runs `body` with the store at `url`, closing it afterwards whether or not `body` throws.
    private func using<T>(_ url: String, migratingThrough last: String? = nil, _ body: (PostgresStore) async throws -> T) async throws -> T {
        let store = try await PostgresStore.connect(url: url, migratingThrough: last)
        do {
            let result = try await body(store)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// One scanner record, for a store that needs one result.
    static let record = """
        {"schema":"exscope.scan/1","ip":"20.0.1.1","port":443,"timestamp":"2026-11-27T00:00:00Z","durationMs":1,"status":"success",\
        "precision":"exact","build":"15.2.1544.11","product":"Exchange Server 2019","asOf":"2026-11-27","catalogDate":"2026-08-20",\
        "findings":[{"id":"CVE-2025-53786","reason":"r","status":"vulnerable"}],"hybrid":{"likely":false}}
        """

    /// A connection that fails is named in one line, with its cause and without the password.
    @Test func aFailedConnectionIsOneLineNamingItsCause() async throws {
        let port = try await FleetSimulator.freePort(on: "127.0.0.1")
        let refused = try ExScopeProcess.run(["report", "--store", "postgres://exscope:s3cret@127.0.0.1:\(port)/exscope"])
        #expect(refused.status == 3)
        #expect(refused.stderr == "exscope: cannot connect to postgres://exscope:***@127.0.0.1:\(port)/exscope: Connection refused\n")
        // A URL without a host is bad usage, not a failure of the run.
        let malformed = try ExScopeProcess.run(["report", "--store", "postgres://exscope:s3cret@/exscope"])
        #expect(malformed.status == 2)
        #expect(malformed.stderr == "exscope: 'postgres://exscope:***@/exscope' is not a postgres://user@host:port/database URL\n")
        guard let url = TestPostgres.url, var missing = URLComponents(string: url) else { return }
        missing.path = "/exscope_missing_database"
        let named = try ExScopeProcess.run(["report", "--store", missing.string ?? ""])
        #expect(named.status == 3)
        #expect(named.stderr.hasSuffix(": database \"exscope_missing_database\" does not exist\n"), "\(named.stderr)")
        #expect(!named.stderr.contains("exscope:exscope@") && named.stderr.split(separator: "\n").count == 1)
    }

    @Test func assessSavesTheAssessmentInPostgreSQL() async throws {
        guard let url = TestPostgres.url else { return }
        let inventory = try temporaryFile("inventory.json", contents: SampleInventory.demo)
        defer { try? FileManager.default.removeItem(at: inventory) }
        let run = try ExScopeProcess.run(["assess", "--inventory", inventory.path, "--now", "2026-11-27T12:00:00Z", "--format", "json", "--store", url])
        #expect(run.status == 0 || run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("saved in postgres://exscope:***@"))
        let printed = try JSONDecoder().decode(AssessmentReport.self, from: Data(run.stdout.utf8))
        let store = try await PostgresStore.connect(url: url)
        #expect(try await store.appliedMigrations().contains("v3-assessment"))
        let latest = try #require(try await store.latestAssessment())
        #expect(latest.report == printed)
        #expect(latest.organizationGuid == MockGraphTenant.organizationGuid)
        #expect(latest.overall == printed.overall)
        #expect(latest.counts.values.reduce(0, +) == printed.actions.count)
        #expect(try await store.assessments(limit: 1).first?.id == latest.id)
        try await store.close()
    }

    @Test func threeShardsIntoOneStoreEqualOneUnshardedScan() async throws {
        guard let url = TestPostgres.url else { return }
        let simulator = try FleetSimulator(configuration: .init(hosts: 90, seed: 5, baseAddress: "127.31.0.1"))
        try await simulator.start()
        let port = String(simulator.port)
        let suffix = UUID().uuidString.prefix(8)
        let fixture = try SyntheticScan(name: "unused", lines: [])
        defer { fixture.remove() }
        func scan(_ name: String, shard: String?) -> [String] {
            var arguments = ["scan", "127.31.0.1-127.31.0.90", "-p", port, "--scan-name", name, "--store", url, "--quiet",
                             "--connect-timeout", "2", "--host-timeout", "10", "-o", fixture.folder.appendingPathComponent("\(name)-\(shard?.replacingOccurrences(of: "/", with: "of") ?? "all").jsonl").path,
                             "--identity",
                             "--geoip-ranges", fixture.rangeFile.path]
            if let shard { arguments += ["--shard", shard] }
            return arguments
        }
        let shards = try await runConcurrently((0..<3).map { scan("sharded-\(suffix)", shard: "\($0)/3") })
        for result in shards { #expect(result.status == 0, "\(result.stderr)") }
        let whole = try ExScopeProcess.run(scan("whole-\(suffix)", shard: nil))
        #expect(whole.status == 0, "\(whole.stderr)")
        try await simulator.stop()

        // The verdict side too: a finding filter and one row per finding (their SQL differs from the others').
        for options in [["--by", "build"], ["--by", "country"], ["--by", "support"], ["--by", "country", "--finding", "CVE-2025-53786"],
                        ["--by", "finding", "--verdict", "vulnerable"]] {
            let sharded = try ExScopeProcess.run(["report", "--scan", "sharded-\(suffix)", "--format", "csv",
                                                  "--min-confidence", "low", "--store", url] + options)
            let unsharded = try ExScopeProcess.run(["report", "--scan", "whole-\(suffix)", "--format", "csv",
                                                    "--min-confidence", "low", "--store", url] + options)
            #expect(sharded.status == 0 && unsharded.status == 0, "\(options): \(sharded.stderr)")
            #expect(sharded.stdout == unsharded.stdout)
            if options[1] == "country" { #expect(sharded.stdout.contains("loopback")) }
            if options[1] == "finding" { #expect(sharded.stdout.contains("CVE-2025-53786")) }
        }
        let scans = try ExScopeProcess.run(["scans", "--format", "json", "--store", url]).jsonLines()
        let sharded = try #require(scans.first { $0["name"] as? String == "sharded-\(suffix)" })
        let unsharded = try #require(scans.first { $0["name"] as? String == "whole-\(suffix)" })
        #expect(sharded["results"] as? Int == unsharded["results"] as? Int)
        #expect(sharded["exchange"] as? Int == unsharded["exchange"] as? Int)
        #expect((sharded["exchange"] as? Int ?? 0) > 0)
        #expect(sharded["vulnerable"] as? Int == unsharded["vulnerable"] as? Int)
    }
}
