import ArgumentParser
import ExScopeCore
import ExScopeDashboard
import Foundation

/// `exscope report --format html --out FILE`: the dashboard's overview as one self-contained file.
///
/// Merge note: the store's `report --by …` command owns the other formats; this HTML path is
/// `HTMLReportWriter.write`, callable from there.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the exposure overview as one self-contained HTML file."
    )

    enum Format: String, ExpressibleByArgument, CaseIterable { case html }

    @Option(help: "Output format.")
    var format: Format = .html

    @Option(name: [.short, .customLong("out")], help: ArgumentHelp("The file to write ('-' for standard output).", valueName: "file"))
    var out: String

    @Option(help: "The scan to report on (default: the latest).")
    var scan: String?

    @Option(help: "The finding the shares and charts are about.")
    var finding = "CVE-2025-53786"

    @Option(name: .customLong("min-confidence"), help: "Lowest fingerprint confidence counted as an Exchange host.")
    var minConfidence = "medium"

    @OptionGroup var input: DashboardInputOptions

    func validate() throws {
        if HostProfile.Confidence(rawValue: minConfidence) == nil { throw ValidationError("--min-confidence must be low, medium or high") }
    }

    func run() async throws {
        try await HTMLReportWriter.write(source: try input.load(), scan: scan, finding: finding,
                                         minConfidence: HostProfile.Confidence(rawValue: minConfidence) ?? .medium, to: out)
    }
}

/// Writes the HTML report for any data source.
enum HTMLReportWriter {
    static func write(source: any DashboardDataSource, scan: String?, finding: String, minConfidence: HostProfile.Confidence,
                      to path: String) async throws {
        let html: String
        do {
            html = try await Dashboard(source: source).htmlReport(scan: scan, finding: finding, minConfidence: minConfidence)
        } catch let error as DashboardError {
            throw ExScopeFailure.badInput(error.description)
        }
        if path == "-" {
            FileHandle.standardOutput.write(Data(html.utf8))
        } else {
            do {
                try Data(html.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ExScopeFailure.runFailure("\(path): cannot write the report")
            }
        }
    }
}
