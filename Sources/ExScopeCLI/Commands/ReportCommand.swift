public import ArgumentParser
public import ExScopeCore
import ExScopeGeo
public import ExScopeStore
import Foundation

extension ReportDimension: ExpressibleByArgument {}
extension DedupeMode: ExpressibleByArgument {}
extension HostProfile.Confidence: ExpressibleByArgument {}
extension FindingStatus: ExpressibleByArgument {}

/// `--format` of the counting commands.
enum CountFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown
}

/// `exscope report`: count exposed on-premises Exchange, Shadowserver style.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Count on-premises Exchange servers of a scan by country, ASN, product, CU, build, support or finding.",
        discussion: """
            Counts unique IP addresses per scan, like Shadowserver; --dedupe server counts unique servers by \
            identity (NTLM server name, else certificate name, else address). Exchange Online is never counted; \
            hosts below --min-confidence (default medium) are not counted. Every report names the scan, \
            the dedupe mode, the enrichment source and the catalog date.
            """
    )

    @Option(help: "The scan's name (default: the latest scan).")
    var scan: String?

    @Option(name: .customLong("by"), help: "Group by country (default), asn, product, cu, build, support or finding.")
    var grouping: ReportDimension?
    var by: ReportDimension { grouping ?? .country }

    @Option(help: "Count only hosts with this finding (e.g. CVE-2025-53786) in --verdict (default vulnerable).")
    var finding: String?

    @Option(help: "Count only hosts whose --finding (default CVE-2025-53786) has this status: vulnerable, patched, indeterminate, not-affected.")
    var verdict: FindingStatus?

    @Option(parsing: .unconditional, help: "Show the first N groups and sum the rest as 'other'.")
    var top: Int?

    @Option(name: .customLong("min-confidence"), help: "low, medium or high.")
    var minConfidence: HostProfile.Confidence = .medium

    @Option(name: .customLong("dedupe"), help: "ip (unique addresses, the default) or server (unique servers by identity).")
    var dedupeMode: DedupeMode?
    var dedupe: DedupeMode { dedupeMode ?? .ip }

    @Option(help: "table, csv, json, markdown, or html (the dashboard's overview as one file; needs --out).")
    var format: ReportOutputFormat = .table

    @Option(name: .customLong("out"), help: ArgumentHelp("Write the report to this file instead of standard output ('-': standard output). --format html needs it.", valueName: "file"))
    var out: String?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        if let top, top < 1 { throw ValidationError("--top must be at least 1") }
        if format == .html && out == nil { throw ValidationError("--format html needs --out FILE") }
        // The HTML file is the dashboard's overview, which has its own layout: these would be ignored.
        let ignored = [("--by", grouping != nil), ("--top", top != nil), ("--dedupe", dedupeMode != nil), ("--verdict", verdict != nil)]
            .filter(\.1).map(\.0)
        if format == .html && !ignored.isEmpty {
            throw ValidationError("--format html writes the dashboard's overview, which \(ignored.joined(separator: ", ")) do not change; leave them out")
        }
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        if let finding { _ = try CatalogOptions.finding(finding, in: catalog) }
        let store = try await storeOptions.open(creating: false)
        guard let countFormat = format.countFormat else {
            let source = try await StoreDashboardSource.load(store, catalog: catalog, asOf: catalogOptions.date, assessment: nil)
            try await store.close()
            try await HTMLReportWriter.write(source: source, scan: scan, finding: finding ?? "CVE-2025-53786",
                                             minConfidence: minConfidence, to: out ?? "-")
            return
        }
        let request = ReportRequest(scan: scan, by: by, finding: finding, status: verdict, top: top, minConfidence: minConfidence,
                                    dedupe: dedupe, findingIDs: catalog.vulnerabilities.map(\.id))
        let report = try await storeOperation { try await store.report(request) }
        try await store.close()
        try OutputFile.write(try ReportRenderer.render(report, format: countFormat) + "\n", to: out ?? "-")
    }
}

/// `report --format`: the counting formats plus the HTML overview.
enum ReportOutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, csv, json, markdown, html

    var countFormat: CountFormat? { CountFormat(rawValue: rawValue) }
}

/// Report output in the four formats.
enum ReportRenderer {
    static func number(_ value: Int) -> String {
        let digits = String(value)
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    static func percent(_ share: Double) -> String { String(format: "%.1f %%", share * 100) }

    static func what(_ report: Report) -> String {
        var text = "on-premises Exchange server"
        if let finding = report.finding, let status = report.status { text += "s, \(finding) \(status.rawValue)" } else { text += "s" }
        return text
    }

    static func unit(_ report: Report) -> String {
        report.dedupe == .ip ? "unique IP addresses (Shadowserver's way)" : "unique servers by identity (--dedupe server)"
    }

    static func headline(_ report: Report) -> String {
        var line = "\(number(report.total)) \(what(report))"
        let top = report.rows.prefix(7).map { "\(ReportLabels.label($0, by: report.by)) \(number($0.count))" }
        if !top.isEmpty { line += "; " + top.joined(separator: "; ") }
        return line
    }

    static func notes(_ report: Report) -> [String] {
        [
            "scan: \(report.scan) (started \(report.scanStartedAt))",
            "counted: \(unit(report)); Exchange Online never counted; confidence \(report.minConfidence.rawValue) or higher",
            "enrichment: \(report.enrichment.isEmpty ? "none recorded" : report.enrichment)",
            "catalog: \(report.catalogDates.isEmpty ? "none" : report.catalogDates.joined(separator: ", "))",
        ]
    }

    static func render(_ report: Report, format: CountFormat) throws -> String {
        let heading = report.by == .asn ? "ASN" : report.by.rawValue.uppercased()
        switch format {
        case .table:
            var table = TextTable([heading, "HOSTS", "SHARE"])
            for row in report.rows { table.add([ReportLabels.label(row, by: report.by), number(row.count), percent(row.share)]) }
            if report.otherGroups > 0 {
                table.add(["other (\(report.otherGroups) more)", number(report.otherCount),
                           percent(report.total > 0 ? Double(report.otherCount) / Double(report.total) : 0)])
            }
            table.add(["total", number(report.total), report.total > 0 ? "100.0 %" : "-"])
            return ([headline(report), ""] + [table.render(), ""] + notes(report)).joined(separator: "\n")
        case .markdown:
            var lines = ["**\(headline(report))**", "", "| \(heading.lowercased()) | hosts | share |", "|---|---:|---:|"]
            for row in report.rows {
                lines.append("| \(markdownEscape(ReportLabels.label(row, by: report.by))) | \(number(row.count)) | \(percent(row.share)) |")
            }
            if report.otherGroups > 0 { lines.append("| other (\(report.otherGroups) more) | \(number(report.otherCount)) | |") }
            lines.append("| **total** | **\(number(report.total))** | \(report.total > 0 ? "100.0 %" : "-") |")
            lines.append("")
            lines += notes(report).map { "- \($0)" }
            return lines.joined(separator: "\n")
        case .csv:
            var lines = ["\(report.by.rawValue),name,count,share"]
            for row in report.rows {
                lines.append([row.key ?? "", ReportLabels.label(row, by: report.by), String(row.count), String(format: "%.4f", row.share)]
                    .map(csv).joined(separator: ","))
            }
            if report.otherGroups > 0 { lines.append("other,other (\(report.otherGroups) more),\(report.otherCount),") }
            // No share of nothing: empty, as the "other" row's share is.
            lines.append("total,total,\(report.total),\(report.total > 0 ? "1.0000" : "")")
            return lines.joined(separator: "\n")
        case .json:
            struct Output: Encodable {
                struct Row: Encodable { var key: String?; var name: String; var count: Int; var share: Double }
                var schema = "exscope.report/1"
                var scan: String
                var scanStartedAt: String
                var by: String
                var dedupe: String
                var minConfidence: String
                var finding: String?
                var status: String?
                var total: Int
                var rows: [Row]
                var otherCount: Int
                var otherGroups: Int
                var enrichment: String
                var catalogDates: [String]
            }
            let output = Output(scan: report.scan, scanStartedAt: report.scanStartedAt, by: report.by.rawValue, dedupe: report.dedupe.rawValue,
                                minConfidence: report.minConfidence.rawValue, finding: report.finding, status: report.status?.rawValue,
                                total: report.total,
                                rows: report.rows.map { .init(key: $0.key, name: ReportLabels.label($0, by: report.by), count: $0.count, share: $0.share) },
                                otherCount: report.otherCount, otherGroups: report.otherGroups, enrichment: report.enrichment,
                                catalogDates: report.catalogDates)
            return try JSONLines.encode(output)
        }
    }

    /// A CSV field, quoted when needed and ``defused(_:)``.
    static func csv(_ field: String) -> String {
        let value = defused(field)
        if value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return value
    }

    /// `text` with a `'` in front when a spreadsheet would read it as a formula: it starts with
    /// = + - @, or with a tab or carriage return (OWASP's list). Names come from servers and files.
    static func defused(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return text }
        return "'" + text
    }

    static func markdownEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
