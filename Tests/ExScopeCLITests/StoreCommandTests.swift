@testable import ExScopeCLI
import ExScopeTesting
import Foundation
import Testing

@Suite(.serialized) struct StoreCommandTests {
    static let expected: [(String, Int)] = ExposureTableGenerator.august2025Top

    @Test func theAugust2025TableComesBackExactly() throws {
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let imported = try ExScopeProcess.run(["import", scan.scanFile.path, "--store", scan.store, "--geoip-ranges", scan.rangeFile.path,
                                               "--label", "synthetic=true"])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported 29098 results"))
        // The import's write-ahead log is emptied when the store closes, so the next command does not replay it.
        let wal = (try? FileManager.default.attributesOfItem(atPath: scan.store + "-wal"))?[.size] as? Int ?? 0
        #expect(wal == 0, "the store's WAL is \(wal) bytes after the import")

        let json = try ExScopeProcess.run(["report", "--by", "country", "--top", "7", "--format", "json", "--store", scan.store])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try json.jsonLines().first)
        #expect(object["total"] as? Int == 29_098)
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.map { $0["key"] as? String ?? "" } == Self.expected.map(\.0))
        #expect(rows.map { $0["count"] as? Int ?? 0 } == Self.expected.map(\.1))
        #expect(rows.first?["name"] as? String == "United States")
        #expect(object["otherCount"] as? Int == 29_098 - 20_792)
        #expect(object["dedupe"] as? String == "ip")
        #expect((object["enrichment"] as? String)?.contains("generated 2025-08-14") == true)
        #expect(object["scan"] as? String == ExposureTableGenerator.scanName)

        let table = try ExScopeProcess.run(["report", "--by", "country", "--top", "7", "--store", scan.store,
                                            "--finding", "CVE-2025-53786", "--verdict", "vulnerable"])
        #expect(table.status == 0)
        #expect(table.stdout.hasPrefix("29,098 on-premises Exchange servers, CVE-2025-53786 vulnerable; United States 7,296; Germany 6,682; Russia 2,513; France 1,558; United Kingdom 955; Austria 928; Canada 860"))
        #expect(table.stdout.contains("unique IP addresses"))
        #expect(table.stdout.contains("enrichment: country: IPFire Location country ranges"))

        for format in ["csv", "markdown"] {
            let other = try ExScopeProcess.run(["report", "--top", "7", "--format", format, "--store", scan.store])
            #expect(other.status == 0)
            #expect(other.stdout.contains("7296") || other.stdout.contains("7,296"))
        }
        let csv = try ExScopeProcess.run(["report", "--top", "7", "--format", "csv", "--store", scan.store])
        #expect(csv.stdout.split(separator: "\n").first == "country,name,count,share")
        #expect(csv.stdout.contains("US,United States,7296,0.2507"))
        #expect(csv.stdout.contains("total,total,29098,1.0000"))
        // --out writes the same report to a file, and nothing to standard output.
        let file = scan.folder.appendingPathComponent("report.csv")
        let written = try ExScopeProcess.run(["report", "--top", "7", "--format", "csv", "--out", file.path, "--store", scan.store])
        #expect(written.status == 0 && written.stdout.isEmpty)
        #expect(try String(contentsOf: file, encoding: .utf8) == csv.stdout)
    }

    @Test func importDrawsAProgressBarWhenAsked() throws {
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let arguments = ["import", scan.scanFile.path, "--store", scan.store, "--geoip-ranges", scan.rangeFile.path]
        // Standard error is not a terminal here: no bar unless asked.
        let plain = try ExScopeProcess.run(arguments)
        #expect(plain.status == 0)
        #expect(!plain.stderr.contains("\u{1B}"), "\(plain.stderr)")
        let shown = try ExScopeProcess.run(arguments + ["--progress"])
        #expect(shown.status == 0, "\(shown.stderr)")
        let clear = "\r\u{1B}[K"
        // A bar after the first 4,096 rows, a full one when every row is read, cleared before the summary.
        #expect(shown.stderr.hasPrefix(clear + "["), "\(shown.stderr)")
        #expect(shown.stderr.contains("[====================] 100 %, 29098 results ETA 0m0s"), "\(shown.stderr)")
        #expect(shown.stderr.contains("all read; writing the store" + clear + "imported 29098 results"), "\(shown.stderr)")
    }

    @Test func importIsIdempotentAndAtomic() throws {
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let arguments = ["import", scan.scanFile.path, "--store", scan.store, "--geoip-ranges", scan.rangeFile.path]
        #expect(try ExScopeProcess.run(arguments).status == 0)
        #expect(try ExScopeProcess.run(arguments).status == 0)
        let scans = try ExScopeProcess.run(["scans", "--format", "json", "--store", scan.store]).jsonLines()
        #expect(scans.count == 1)
        #expect(scans.first?["results"] as? Int == 29_098)
        #expect(scans.first?["vulnerable"] as? Int == 29_098)

        // A corrupt line in the middle: the error names the line and nothing of the file is stored.
        var lines = try String(contentsOf: scan.scanFile, encoding: .utf8).split(separator: "\n").prefix(10).map(String.init)
        lines[4] = String(lines[4].prefix(40))
        let broken = try scan.write("broken.jsonl", lines.joined(separator: "\n"))
        let result = try ExScopeProcess.run(["import", broken.path, "--scan-name", "broken", "--store", scan.store,
                                             "--geoip-ranges", scan.rangeFile.path])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("exscope: \(broken.path):5: "), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        // A file of no records (here blank lines) makes no scan: it would become the latest, which reports show.
        let blank = try scan.write("blank.jsonl", "\n  \n")
        let nothing = try ExScopeProcess.run(["import", blank.path, "--store", scan.store, "--geoip-ranges", scan.rangeFile.path])
        #expect(nothing.status == 2)
        #expect(nothing.stderr == "exscope: \(blank.path) has no records (exscope.scan/1 JSON Lines); nothing of it was imported\n")
        let after = try ExScopeProcess.run(["scans", "--format", "json", "--store", scan.store]).jsonLines()
        #expect(after.map { $0["name"] as? String } == [ExposureTableGenerator.scanName])
    }

    /// Every file is opened and its first record read before the store is: a wrong path, a file of
    /// no records or one that does not start with a record leaves no new, empty store behind, and a
    /// later file's problem stops the import before the first file is stored.
    @Test func importChecksEveryFileBeforeItMakesAStore() throws {
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let store = scan.folder.appendingPathComponent("new.sqlite").path
        let missing = scan.folder.appendingPathComponent("missing.jsonl").path
        let blank = try scan.write("blank.jsonl", "\n\n")
        let notJSON = try scan.write("hosts.csv", "ip,port\n127.0.0.1,443\n")
        let cases: [(files: [String], error: String)] = [
            ([missing], "exscope: cannot read \(missing): No such file or directory\n"),
            ([blank.path], "exscope: \(blank.path) has no records (exscope.scan/1 JSON Lines); nothing of it was imported\n"),
            ([notJSON.path], "exscope: \(notJSON.path):1: not valid JSON; nothing of \(notJSON.path) was imported\n"),
            ([scan.scanFile.path, missing], "exscope: cannot read \(missing): No such file or directory\n"),
        ]
        for (files, error) in cases {
            let result = try ExScopeProcess.run(["import"] + files + ["--store", store, "--geoip-ranges", scan.rangeFile.path])
            #expect(result.status == 2, "\(files)")
            #expect(result.stderr == error)
            #expect(!FileManager.default.fileExists(atPath: store), "\(files) left a store behind")
        }
    }

    /// A negative number after an option is its value, refused by the command's own check (ArgumentParser
    /// would otherwise take `-1` for an option and say the value is missing).
    @Test(arguments: [
        (["report", "--top", "-1"], "--top must be at least 1"),
        (["notify", "--by", "cidr", "--out", "x", "--prefix", "-8"], "--prefix must be 8-32"),
        (["report", "--top", "--format", "csv"], "The value '--format' is invalid for '--top"),
        // Options the HTML overview would silently ignore.
        (["report", "--format", "html", "--out", "x.html", "--by", "asn", "--dedupe", "server"], "--format html writes the dashboard's overview, which --by, --dedupe do not change"),
    ])
    func negativeNumbersAreRefusedByTheCommandsOwnCheck(_ arguments: [String], _ message: String) throws {
        let result = try ExScopeProcess.run(arguments + ["--store", "/nonexistent/store.sqlite"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("exscope: Error: \(message)"), "\(result.stderr)")
    }

    @Test func aStoreURLOfAnotherKindIsRefusedNotMadeAFile() throws {
        let result = try ExScopeProcess.run(["scans", "--store", "mysql://db/exscope"])
        #expect(result.status == 2)
        #expect(result.stderr == "exscope: --store mysql://db/exscope: 'mysql://' is not a store; give a SQLite file path or a postgres:// URL\n")
        #expect(!FileManager.default.fileExists(atPath: "mysql:"))
    }

    /// A command that only reads does not turn an empty file into a store, and no report is written over a store;
    /// a damaged store, a report into a missing folder and an impossible port are bad input (exit 2), not failures.
    @Test func anEmptyFileIsNotAStoreAndAStoreIsNotAReportFile() throws {
        let scan = try SyntheticScan()
        defer { scan.remove() }
        let empty = scan.folder.appendingPathComponent("empty.sqlite").path
        FileManager.default.createFile(atPath: empty, contents: Data())
        let read = try ExScopeProcess.run(["scans", "--store", empty])
        #expect(read.status == 2)
        #expect(read.stderr == "exscope: \(empty) is an empty file, not a store; exscope scan --store and exscope import make one\n")
        #expect(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int == 0)

        #expect(try ExScopeProcess.run(["import", scan.scanFile.path, "--store", scan.store, "--geoip-ranges", scan.rangeFile.path]).status == 0)
        let over = try ExScopeProcess.run(["report", "--store", scan.store, "--out", scan.store])
        #expect(over.status == 2)
        #expect(over.stderr.contains("it is a SQLite database (a store?)"), "\(over.stderr)")
        let scans = try ExScopeProcess.run(["scans", "--format", "json", "--store", scan.store]).jsonLines()
        #expect(scans.first?["results"] as? Int == 29_098)

        // Bad input all, exit 2: a store cut short, a report into a folder that is not there, a port out of range.
        let damaged = scan.folder.appendingPathComponent("damaged.sqlite").path
        FileManager.default.createFile(atPath: damaged, contents: try Data(contentsOf: URL(fileURLWithPath: scan.store)).prefix(200_000))
        let cut = try ExScopeProcess.run(["scans", "--store", damaged])
        #expect(cut.status == 2)
        #expect(cut.stderr.contains("is a damaged SQLite database"), "\(cut.stderr)")
        let nowhere = try ExScopeProcess.run(["report", "--store", scan.store, "--out", scan.folder.appendingPathComponent("no/such/report.md").path])
        #expect(nowhere.status == 2)
        #expect(nowhere.stderr.contains("there is no folder"), "\(nowhere.stderr)")
        let port = try ExScopeProcess.run(["scans", "--store", "postgres://exscope@127.0.0.1:99999/exscope"])
        #expect(port.status == 2)
        #expect(port.stderr.contains("is not a postgres://user@host:port/database URL"), "\(port.stderr)")
    }

    /// Spreadsheets run a cell that starts with = + - @, a tab or a carriage return: such cells get a leading quote.
    @Test func csvCellsThatSpreadsheetsWouldRunAreDefused() {
        for cell in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1"] {
            #expect(ReportRenderer.defused(cell) == "'" + cell, "\(cell)")
        }
        #expect(ReportRenderer.defused("mail.example.org") == "mail.example.org")
        #expect(ReportRenderer.csv("\t=1,2") == "\"'\t=1,2\"")
    }
}
