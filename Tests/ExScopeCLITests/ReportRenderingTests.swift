@testable import ExScopeCLI
import ExScopeStore
import Foundation
import Testing

@Suite struct ReportRenderingTests {
    private func report(total: Int, rows: String) throws -> Report {
        let json = #"{"scan":"s","scanStartedAt":"2026-11-01T00:00:00Z","by":"country","dedupe":"ip","minConfidence":"medium","#
            + #""total":\#(total),"rows":\#(rows),"otherCount":0,"otherGroups":0,"enrichment":"","catalogDates":[]}"#
        return try JSONDecoder().decode(Report.self, from: Data(json.utf8))
    }

    /// A report that counted nothing (every host below the confidence asked for, say) gives its total no
    /// share in any format, rather than 100 %; one that counted hosts gives the whole.
    @Test func anEmptyReportHasNoTotalShare() throws {
        let empty = try report(total: 0, rows: "[]")
        #expect(try ReportRenderer.render(empty, format: .csv).split(separator: "\n").last == "total,total,0,")
        #expect(try !ReportRenderer.render(empty, format: .markdown).contains("100.0 %"))
        #expect(try !ReportRenderer.render(empty, format: .table).contains("100.0 %"))
        let counted = try report(total: 3, rows: #"[{"key":"US","count":3,"share":1}]"#)
        #expect(try ReportRenderer.render(counted, format: .csv).hasSuffix("total,total,3,1.0000"))
        #expect(try ReportRenderer.render(counted, format: .markdown).contains("| **total** | **3** | 100.0 % |"))
    }
}
