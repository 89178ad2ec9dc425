import ArgumentParser
import ExScopeCore
import ExScopeStore
import Foundation

/// `exscope scans`: the scans in the store.
struct ScansCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "scans", abstract: "List the scans in the store with their counts.")

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        let store = try await storeOptions.open(creating: false)
        let scans = try await storeOperation { try await store.scans() }
        try await store.close()
        switch format {
        case .json:
            for scan in scans { Terminal.out(try JSONLines.encode(scan, schema: "exscope.scan-summary/1")) }
        case .table:
            var table = TextTable(["SCAN", "STARTED", "ENDED", "SOURCE", "RESULTS", "EXCHANGE", "EXO", "CVE-2025-53786 VULNERABLE"])
            for scan in scans {
                table.add([scan.name, scan.startedAt, scan.endedAt ?? "-", scan.source, ReportRenderer.number(scan.results),
                           ReportRenderer.number(scan.exchange), ReportRenderer.number(scan.exchangeOnline), ReportRenderer.number(scan.vulnerable)])
            }
            Terminal.out(scans.isEmpty ? "no scans in \(store.displayName)" : table.render())
        }
    }
}

/// `exscope reassess`: recompute every verdict from stored observations with the current catalog.
struct ReassessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reassess",
        abstract: "Recompute every stored verdict from the stored observations with the current (or --catalog) catalog, without rescanning.")

    @Option(help: "Only this scan (default: all).")
    var scan: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var catalogOptions: CatalogOptions

    func run() async throws {
        let catalog = try catalogOptions.load()
        let store = try await storeOptions.open(creating: false)
        if let scan { _ = try await storeOperation { try await store.resolveScan(scan) } }
        let count = try await storeOperation { try await store.reassess(scan: scan, catalog: catalog, asOf: catalogOptions.date) }
        try await store.close()
        Terminal.out("reassessed \(ReportRenderer.number(count)) results\(scan.map { " of scan '\($0)'" } ?? "") with catalog \(catalog.date) as of \(catalogOptions.date)")
    }
}

/// `exscope diff`: what changed between two scans.
struct DiffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "Newly exposed, newly fixed, gone and build changes between two scans, with counts by country.")

    @Argument(help: "The earlier scan.") var first: String
    @Argument(help: "The later scan.") var second: String

    @Option(help: "The finding compared.")
    var finding = HybridFinding.id

    @Option(name: .long, help: ArgumentHelp("The catalog that knows --finding, if not the built-in one.", valueName: "file"))
    var catalog: String?

    @Option(name: .customLong("min-confidence"), help: "low, medium or high.")
    var minConfidence: HostProfile.Confidence = .medium

    @Option(help: "table or json.")
    var format: OutputFormat = .table

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        _ = try CatalogOptions.finding(finding, in: CatalogOptions.load(path: catalog))
        let store = try await storeOptions.open(creating: false)
        let diff = try await storeOperation { try await store.diff(first, second, finding: finding, minConfidence: minConfidence) }
        try await store.close()
        if format == .json {
            Terminal.out(try JSONLines.encode(diff, schema: "exscope.diff/1"))
            return
        }
        var lines = ["\(diff.from) -> \(diff.to), \(diff.finding): newly exposed \(diff.newlyExposed.count), newly fixed \(diff.newlyFixed.count), "
                     + "gone \(diff.gone.count), build changes \(diff.buildChanges.count)", ""]
        var byCountry = TextTable(["COUNTRY", "NEWLY EXPOSED", "NEWLY FIXED", "GONE"])
        for (country, counts) in diff.byCountry.sorted(by: { ($0.value.values.reduce(0, +), $1.key) > ($1.value.values.reduce(0, +), $0.key) }) {
            byCountry.add([ReportLabels.country(country == "unknown" ? nil : country), String(counts["newlyExposed"] ?? 0),
                           String(counts["newlyFixed"] ?? 0), String(counts["gone"] ?? 0)])
        }
        lines.append(byCountry.render())
        for (title, changes) in [("newly exposed", diff.newlyExposed), ("newly fixed", diff.newlyFixed), ("gone", diff.gone), ("build changes", diff.buildChanges)]
        where !changes.isEmpty {
            lines.append("")
            lines.append("\(title):")
            var table = TextTable(["TARGET", "COUNTRY", "BEFORE", "AFTER"])
            for change in changes.prefix(50) {
                table.add(["\(change.ip ?? "?"):\(change.port)", change.country ?? "-", change.before ?? "-", change.after ?? "-"])
            }
            lines.append(table.render(indent: "  "))
            if changes.count > 50 { lines.append("  … \(changes.count - 50) more (use --format json)") }
        }
        Terminal.out(lines.joined(separator: "\n"))
    }
}

/// `exscope history`: counts across scans.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "The count of hosts with a finding, scan by scan.")

    @Option(help: "The finding counted.")
    var finding = HybridFinding.id

    @Option(name: .long, help: ArgumentHelp("The catalog that knows --finding, if not the built-in one.", valueName: "file"))
    var catalog: String?

    @Option(help: "The status counted.")
    var verdict: FindingStatus = .vulnerable

    @Option(name: .customLong("min-confidence"), help: "low, medium or high.")
    var minConfidence: HostProfile.Confidence = .medium

    @Option(help: "table, csv, json or markdown.")
    var format: CountFormat = .table

    @OptionGroup var storeOptions: StoreOptions

    func run() async throws {
        _ = try CatalogOptions.finding(finding, in: CatalogOptions.load(path: catalog))
        let store = try await storeOptions.open(creating: false)
        let points = try await storeOperation { try await store.history(finding: finding, status: verdict, minConfidence: minConfidence) }
        try await store.close()
        switch format {
        case .json:
            for point in points { Terminal.out(try JSONLines.encode(point, schema: "exscope.history/1")) }
        case .csv:
            Terminal.out((["scan,started_at,\(verdict.rawValue),exchange"] + points.map {
                [ReportRenderer.csv($0.scan), ReportRenderer.csv($0.startedAt), String($0.count), String($0.exchange)].joined(separator: ",")
            }).joined(separator: "\n"))
        case .markdown:
            Terminal.out((["| scan | started | \(finding) \(verdict.rawValue) | on-prem Exchange |", "|---|---|---:|---:|"] + points.map {
                "| \(ReportRenderer.markdownEscape($0.scan)) | \($0.startedAt) | \(ReportRenderer.number($0.count)) | \(ReportRenderer.number($0.exchange)) |"
            }).joined(separator: "\n"))
        case .table:
            var table = TextTable(["SCAN", "STARTED", "\(finding) \(verdict.rawValue)".uppercased(), "ON-PREM EXCHANGE", "CHANGE"])
            var previous: Int?
            for point in points {
                let change = previous.map { point.count - $0 }.map { $0 > 0 ? "+\($0)" : String($0) } ?? "-"
                table.add([point.scan, point.startedAt, ReportRenderer.number(point.count), ReportRenderer.number(point.exchange), change])
                previous = point.count
            }
            Terminal.out(points.isEmpty ? "no scans in \(store.displayName)" : table.render() + "\n\ncounted: unique IP addresses; confidence \(minConfidence.rawValue) or higher; Exchange Online never counted")
        }
    }
}
