import Foundation
import ArgumentParser
import ExScopeCore

/// `exscope build VERSION...`: the verdict for each version string.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Show product, CU, update, support status and vulnerabilities for Exchange build numbers.",
        discussion: """
            Accepts 15.2.1544.11, zero-padded 15.02.1544.011, three-part 15.2.1544 (CU only), \
            'Version 15.2 (Build 1544.4)' (AdminDisplayVersion: CU only) and 14.x/8.x legacy builds. \
            Exit code 2 when any input is not an Exchange build (the others still print); \
            with --fail-on, 1 when a build meets the condition.
            """
    )

    @Argument(help: ArgumentHelp("Build numbers or version strings; '-' reads them from standard input, one a line.", valueName: "version"))
    var versions: [String] = []

    @Option(help: "Output format: table for people, json for one JSON object per input line.")
    var format: OutputFormat = .table

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a build is vulnerable to any finding, or is vulnerable or unsupported.")
    var failOn: FailCondition?

    @OptionGroup var catalogOptions: CatalogOptions

    enum FailCondition: String, ExpressibleByArgument, CaseIterable {
        case vulnerable
        case unsupported
    }

    func validate() throws {
        if versions.isEmpty { throw ValidationError("give at least one version, e.g. exscope build 15.2.1748.24") }
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        let date = catalogOptions.date
        var inputs = versions
        if inputs == ["-"] {
            inputs = []
            while let line = readLine() {
                // A UTF-8 byte order mark before the first line is not part of it.
                let trimmed = (inputs.isEmpty && line.hasPrefix("\u{FEFF}") ? String(line.dropFirst()) : line).trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty && !trimmed.hasPrefix("#") { inputs.append(trimmed) }
            }
        }
        var badInput = false
        var needsAction = false
        for input in inputs {
            let verdict: Verdict
            do {
                verdict = try catalog.verdict(for: input, asOf: date)
            } catch {
                Terminal.error(error.description)
                badInput = true
                continue
            }
            let report = BuildReport(verdict, asOf: date)
            switch format {
            case .json: Terminal.out(try JSONLines.encode(report))
            case .table: Terminal.out(BuildTable.render(report, catalog: catalog))
            }
            if let failOn, Self.meets(report, failOn) { needsAction = true }
        }
        if badInput { throw ExitCode.badInput }
        if needsAction { throw ExitCode.needsAction }
    }

    static func meets(_ report: BuildReport, _ condition: FailCondition) -> Bool {
        let vulnerable = report.findings.contains { $0.status == .vulnerable }
        switch condition {
        case .vulnerable: return vulnerable
        case .unsupported: return vulnerable || report.support != .supported
        }
    }
}

/// The human view of one build report.
enum BuildTable {
    static func render(_ report: BuildReport, catalog: Catalog) -> String {
        var title = "\(report.input)  →  \(report.product)"
        if let cu = report.cu { title += " \(cu)" }
        if let update = report.update { title += " \(update)" }
        var lines = [title]
        var facts: [(String, String)] = [("build", "\(report.build) (precision: \(report.precision.rawValue))")]
        if let date = report.releaseDate {
            facts.append(("released", date.description + (report.kb.map { ", \($0)" } ?? "")))
        }
        facts.append(("support", "\(report.support.rawValue) on \(report.asOf): \(report.supportReason)"))
        facts.append(("catalog", report.catalogDate.description))
        for note in report.notes { facts.append(("note", note)) }
        for (key, value) in facts { lines.append("  " + key.padding(toLength: 9, withPad: " ", startingAt: 0) + value) }
        lines.append("")
        var table = TextTable(["VULNERABILITY", "STATUS", "FIXED IN", "REASON"])
        for finding in report.findings {
            table.add([finding.id, finding.status.rawValue, finding.fixedIn ?? "-", finding.reason])
        }
        lines.append(table.render(indent: "  "))
        // What to do, once per remediation text, for what is not settled.
        var seen = Set<String>()
        var todo: [String] = []
        for finding in report.findings where finding.status == .vulnerable || finding.status == .indeterminate {
            guard let vulnerability = catalog.vulnerability(id: finding.id), seen.insert(vulnerability.remediation).inserted else { continue }
            let name = vulnerability.group.map { "\($0) (\(vulnerability.id))" } ?? vulnerability.id
            todo.append("  - \(name): \(vulnerability.remediation)")
        }
        if !todo.isEmpty {
            lines.append("")
            lines.append("  What to do:")
            lines.append(contentsOf: todo)
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}
