import ExScopeCore
import ExScopeStore
import ExScopeTesting
import Foundation
import Testing

/// Two small synthetic scans a week apart, for notify, diff, history and reassess.
@Suite(.serialized) struct StoreWorkflowTests {
    static func scans() throws -> (SyntheticScan, URL, URL) {
        let generator = ExposureTableGenerator(counts: [("US", 6), ("DE", 4), ("AT", 2)], seed: 9)
        let catalog = try Catalog.bundled()
        let first = try generator.lines(catalog: catalog, scan: "week-1")
        // The second week: the first two hosts are gone, the rest the same, plus the same table shifted (new hosts).
        let second = first.dropFirst(2).map { $0.replacingOccurrences(of: "\"week-1\"", with: "\"week-2\"") }
            + (try ExposureTableGenerator(counts: [("US", 1)], seed: 77).lines(catalog: catalog, scan: "week-2"))
        let fixture = try SyntheticScan(name: "week-1", lines: first)
        try Data(ExposureTableGenerator(counts: [("US", 6), ("DE", 4), ("AT", 2)], seed: 9).rangeFile().utf8).write(to: fixture.rangeFile)
        let secondFile = try fixture.write("week-2.jsonl", second.joined(separator: "\n"))
        return (fixture, fixture.scanFile, secondFile)
    }

    @Test func notifyWritesOneShadowserverStyleCSVPerOwner() throws {
        let (fixture, first, _) = try Self.scans()
        defer { fixture.remove() }
        #expect(try ExScopeProcess.run(["import", first.path, "--store", fixture.store, "--geoip-ranges", fixture.rangeFile.path]).status == 0)
        let contacts = try fixture.write("contacts.csv", "# owner,address\nDE,cert@example.de\n20.0.0.0/12,abuse@example.net\n")
        let out = fixture.folder.appendingPathComponent("notify")
        let byCountry = try ExScopeProcess.run(["notify", "--by", "country", "--out", out.path, "--contacts", contacts.path, "--store", fixture.store])
        #expect(byCountry.status == 0, "\(byCountry.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(files == ["AT.csv", "DE.csv", "US.csv", "no-contact.txt", "recipients.csv"])
        let german = try String(contentsOf: out.appendingPathComponent("DE.csv"), encoding: .utf8).split(separator: "\n")
        #expect(german.first == "timestamp,ip,port,hostname,asn,geo,version,server_name,finding,remediation,recipient")
        #expect(german.count == 5)
        let fields = german[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields[5] == "DE" && fields[8] == "CVE-2025-53786" && fields.last == "cert@example.de")
        #expect(fields[2] == "443")
        #expect(german[1].contains("Exchange Server"))
        let missing = try String(contentsOf: out.appendingPathComponent("no-contact.txt"), encoding: .utf8)
        #expect(missing == "AT\nUS\n")

        let blocks = fixture.folder.appendingPathComponent("blocks")
        let byCIDR = try ExScopeProcess.run(["notify", "--by", "cidr", "--out", blocks.path, "--contacts", contacts.path, "--store", fixture.store])
        #expect(byCIDR.status == 0)
        let recipients = try String(contentsOf: blocks.appendingPathComponent("recipients.csv"), encoding: .utf8)
        #expect(recipients.contains("20.0.0.0/12,20.0.0.0_12.csv,6,abuse@example.net"))

        // A folder that already holds notices is refused as it is; an empty one is filled; no staging folder stays.
        let again = try ExScopeProcess.run(["notify", "--by", "country", "--out", out.path, "--store", fixture.store])
        #expect(again.status == 2)
        #expect(again.stderr.contains("already holds files"), "\(again.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == files)
        let empty = fixture.folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        // Contacts saved on Windows (CR LF) read line by line: a leading comment no longer swallows the file.
        let windows = try fixture.write("contacts-crlf.csv", "\u{FEFF}DE,cert@example.de\r\n# owner,address\r\nUS,cert@example.us\r\n")
        let filled = try ExScopeProcess.run(["notify", "--by", "country", "--out", empty.path, "--contacts", windows.path, "--store", fixture.store])
        #expect(filled.status == 0, "\(filled.stderr)")
        #expect(try String(contentsOf: empty.appendingPathComponent("no-contact.txt"), encoding: .utf8) == "AT\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.folder.path).allSatisfy { !$0.hasPrefix(".exscope-notify") })
    }

    @Test func diffHistoryAndReassessAcrossScans() throws {
        let (fixture, first, second) = try Self.scans()
        defer { fixture.remove() }
        for file in [first, second] {
            #expect(try ExScopeProcess.run(["import", file.path, "--store", fixture.store, "--geoip-ranges", fixture.rangeFile.path]).status == 0)
        }
        let diff = try ExScopeProcess.run(["diff", "week-1", "week-2", "--format", "json", "--store", fixture.store])
        #expect(diff.status == 0, "\(diff.stderr)")
        let object = try #require(try diff.jsonLines().first)
        #expect((object["newlyExposed"] as? [Any])?.count == 1)
        #expect((object["gone"] as? [Any])?.count == 2)
        #expect((object["newlyFixed"] as? [Any])?.count == 0)
        #expect(object["schema"] as? String == "exscope.diff/1")
        let table = try ExScopeProcess.run(["diff", "week-1", "week-2", "--store", fixture.store])
        #expect(table.stdout.hasPrefix("week-1 -> week-2, CVE-2025-53786: newly exposed 1, newly fixed 0, gone 2"))

        let history = try ExScopeProcess.run(["history", "--finding", "CVE-2025-53786", "--format", "csv", "--store", fixture.store])
        #expect(history.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] } == ["12", "11"])
        // Every JSON line names its versioned shape.
        let points = try ExScopeProcess.run(["history", "--format", "json", "--store", fixture.store]).jsonLines()
        #expect(points.map { $0["count"] as? Int } == [12, 11] && points.allSatisfy { $0["schema"] as? String == "exscope.history/1" })
        let summaries = try ExScopeProcess.run(["scans", "--format", "json", "--store", fixture.store]).jsonLines()
        #expect(summaries.map { $0["name"] as? String } == ["week-1", "week-2"])
        #expect(summaries.allSatisfy { $0["schema"] as? String == "exscope.scan-summary/1" })
        // A finding the catalog does not have is bad input, as for report and notify, not a count of 0.
        for arguments in [["history", "--finding", "CVE-1234-5678"], ["diff", "week-1", "week-2", "--finding", "CVE-1234-5678"]] {
            let unknown = try ExScopeProcess.run(arguments + ["--store", fixture.store])
            #expect(unknown.status == 2, "\(arguments)")
            #expect(unknown.stderr == "exscope: unknown finding 'CVE-1234-5678'; see exscope builds vulns\n", "\(arguments)")
            // The finding is looked up in the catalog --catalog names, as report and notify do.
            let catalogFile = repositoryRoot.appendingPathComponent("Catalog/exchange-catalog.json").path
            let known = try ExScopeProcess.run(arguments.dropLast(2) + ["--finding", HybridFinding.id, "--catalog", catalogFile, "--store", fixture.store])
            #expect(known.status == 0, "\(arguments) \(known.stderr)")
            let missing = try ExScopeProcess.run(arguments + ["--catalog", "/nonexistent/catalog.json", "--store", fixture.store])
            #expect(missing.status == 2, "\(arguments)")
            #expect(missing.stderr == "exscope: cannot read catalog /nonexistent/catalog.json: no such file\n", "\(arguments)")
        }
        // A report that cannot be written says where and why; a folder that is not there is bad input, as for notify.
        let unwritable = fixture.folder.appendingPathComponent("no-such-folder/report.csv").path
        let written = try ExScopeProcess.run(["report", "--format", "csv", "--out", unwritable, "--store", fixture.store])
        #expect(written.status == 2)
        #expect(written.stderr.hasPrefix("exscope: cannot write \(unwritable): ") && written.stderr.split(separator: "\n").count == 1)

        // A catalog in which 2019 CU14's fix for CVE-2025-53786 is an earlier build: reassess flips those hosts.
        let catalogText = try String(contentsOf: repositoryRoot.appendingPathComponent("Catalog/exchange-catalog.json"), encoding: .utf8)
        let changed = catalogText.replacingOccurrences(of: "{\"line\": \"CU14\", \"fixedIn\": \"15.2.1544.25\", \"update\": \"Apr25HU\"}",
                                                       with: "{\"line\": \"CU14\", \"fixedIn\": \"15.2.1544.11\", \"update\": \"Apr24HU\"}")
            .replacingOccurrences(of: "\"catalogDate\": \"2026-08-20\"", with: "\"catalogDate\": \"2026-09-01\"")
        let catalogFile = try fixture.write("catalog.json", changed)
        let before = try ExScopeProcess.run(["report", "--scan", "week-2", "--by", "build", "--verdict", "vulnerable", "--format", "json",
                                             "--store", fixture.store]).jsonLines().first
        let reassess = try ExScopeProcess.run(["reassess", "--catalog", catalogFile.path, "--as-of", "2025-08-14", "--store", fixture.store])
        #expect(reassess.status == 0, "\(reassess.stderr)")
        #expect(reassess.stdout.hasPrefix("reassessed 23 results"))
        let after = try ExScopeProcess.run(["report", "--scan", "week-2", "--by", "build", "--verdict", "vulnerable", "--format", "json",
                                            "--store", fixture.store]).jsonLines().first
        let beforeRows = (before?["rows"] as? [[String: Any]]) ?? []
        let afterRows = (after?["rows"] as? [[String: Any]]) ?? []
        #expect(beforeRows.contains { $0["key"] as? String == "15.2.1544.11" })
        #expect(!afterRows.contains { $0["key"] as? String == "15.2.1544.11" })
        #expect((after?["total"] as? Int ?? 0) < (before?["total"] as? Int ?? 0))

        // The HTML overview judges with the catalog it is given: without the newer one it says that its counts may differ.
        let html = fixture.folder.appendingPathComponent("overview.html").path
        let builtIn = try ExScopeProcess.run(["report", "--format", "html", "--out", html, "--store", fixture.store])
        #expect(builtIn.status == 0, "\(builtIn.stderr)")
        #expect(builtIn.stderr.contains("judged with catalog 2026-09-01 (exscope reassess); these pages judge with catalog 2026-08-20"), "\(builtIn.stderr)")
        let matching = try ExScopeProcess.run(["report", "--format", "html", "--out", html, "--catalog", catalogFile.path, "--store", fixture.store])
        #expect(matching.status == 0, "\(matching.stderr)")
        #expect(!matching.stderr.contains("warning"), "\(matching.stderr)")
    }

    /// A compressed scan is named as such instead of failing as bad JSON; a byte order mark does not spoil line 1.
    @Test func compressedFilesAreNamedAndAByteOrderMarkIsSkipped() throws {
        let (fixture, week1, _) = try Self.scans()
        defer { fixture.remove() }
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
        gzip.arguments = ["-k", week1.path]
        try gzip.run()
        gzip.waitUntilExit()
        let compressed = try ExScopeProcess.run(["import", week1.path + ".gz", "--store", fixture.store, "--geoip-ranges", fixture.rangeFile.path])
        #expect(compressed.status == 2)
        #expect(compressed.stderr == "exscope: \(week1.path).gz is gzip-compressed, not JSON Lines; decompress it first, "
                + "e.g. exscope import <(zcat \(week1.path).gz); nothing of it was imported\n")
        // The file is refused before the store is opened: no new, empty store is left behind.
        #expect(!FileManager.default.fileExists(atPath: fixture.store))

        let marked = fixture.folder.appendingPathComponent("marked.jsonl")
        try Data([0xEF, 0xBB, 0xBF] + Array(try Data(contentsOf: week1))).write(to: marked)
        let imported = try ExScopeProcess.run(["import", marked.path, "--store", fixture.store, "--geoip-ranges", fixture.rangeFile.path])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.hasPrefix("imported 12 results from \(marked.path) into scan 'week-1'"))
    }

    @Test func badStoresAndScansAreClearErrors() async throws {
        let fixture = try SyntheticScan(name: "none", lines: [])
        defer { fixture.remove() }
        // A store that is not there (a mistyped --store) is named, and commands that only read do not make it.
        for arguments in [["report"], ["scans"], ["history"], ["diff", "a", "b"], ["notify", "--by", "asn", "--out", fixture.folder.path], ["reassess"]] {
            let absent = try ExScopeProcess.run(arguments + ["--store", fixture.store])
            #expect(absent.status == 2, "\(arguments)")
            #expect(absent.stderr == "exscope: no store at \(fixture.store); exscope scan --store and exscope import make one\n", "\(arguments)")
            #expect(!FileManager.default.fileExists(atPath: fixture.store), "\(arguments)")
        }
        try await SQLiteStore(path: fixture.store).close()
        let empty = try ExScopeProcess.run(["report", "--store", fixture.store])
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("has no scans yet"))
        // A scan that is not there is bad input, as an unknown finding is, for every command that names one.
        for arguments in [["report", "--scan", "nope"], ["diff", "nope", "nope2"], ["reassess", "--scan", "nope"],
                          ["notify", "--by", "asn", "--out", fixture.folder.path, "--scan", "nope"]] {
            let missing = try ExScopeProcess.run(arguments + ["--store", fixture.store])
            #expect(missing.status == 2, "\(arguments)")
            #expect(missing.stderr == "exscope: no scan named 'nope' in \(fixture.store); see exscope scans\n", "\(arguments)")
        }
        let notJSON = try fixture.write("bad.jsonl", "hello\n")
        let bad = try ExScopeProcess.run(["import", notJSON.path, "--store", fixture.store])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("bad.jsonl:1: not valid JSON"))
        let brokenDB = try ExScopeProcess.run(["import", notJSON.path, "--store", fixture.store,
                                               "--geoip-country", repositoryRoot.appendingPathComponent("../shared/data/maxmind-test/unexpected-bytes.mmdb").path])
        #expect(brokenDB.status == 2)
        #expect(brokenDB.stderr.contains("unexpected-bytes.mmdb"))
        // A --store that names some other file, or a folder, is bad input too, for reading and writing commands alike.
        let record = try fixture.write("one.jsonl", try ExposureTableGenerator(counts: [("US", 1)], seed: 1).lines(catalog: Catalog.bundled())[0])
        for arguments in [["report"], ["import", record.path, "--geoip-ranges", fixture.rangeFile.path]] {
            let notAStore = try ExScopeProcess.run(arguments + ["--store", notJSON.path])
            #expect(notAStore.status == 2, "\(arguments)")
            #expect(notAStore.stderr == "exscope: \(notJSON.path) is not a SQLite database; --store takes an ExScope store or a postgres:// URL\n", "\(arguments)")
            let folder = try ExScopeProcess.run(arguments + ["--store", fixture.folder.path])
            #expect(folder.status == 2, "\(arguments)")
            #expect(folder.stderr.hasPrefix("exscope: store \(fixture.folder.path) is a directory"), "\(arguments)")
        }
        #expect(try String(contentsOf: notJSON, encoding: .utf8) == "hello\n")
    }
}
