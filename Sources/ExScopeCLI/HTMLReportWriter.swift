import ExScopeCore
import ExScopeDashboard
import Foundation

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
        try emit(html, to: path)
    }

    /// Writes a report to `path` (whole or not at all), or to standard output for `-`.
    static func emit(_ text: String, to path: String) throws {
        if path == "-" {
            FileHandle.standardOutput.write(Data(text.utf8))
        } else {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ExScopeFailure.runFailure("\(path): cannot write the report")
            }
        }
    }
}
