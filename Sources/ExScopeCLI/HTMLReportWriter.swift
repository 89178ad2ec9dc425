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
        try OutputFile.write(html, to: path)
    }
}
