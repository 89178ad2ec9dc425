import ExScopeCore
import ExScopeDashboard
import ExScopeTesting
import Foundation
import Testing

/// Writes the scan that `scripts/browser-test` serves to headless Chromium: the scanned fleet plus
/// the script-injection host, whose host name is changed to a payload that would mark the page
/// (title and a `#pwned` element) if any script from scan data ever ran.
@Suite struct BrowserFixtureTests {
    static let marker = "<script>document.title='PWNED';document.body.insertAdjacentHTML('beforeend','<p id=\"pwned\">x</p>')</script>"
    static let imageMarker = "\"><img src=x onerror=\"document.title='PWNED'\">"

    @Test func writesTheBrowserFixture() async throws {
        var records = try await DashboardFixture.scanned.value
        let index = try #require(records.firstIndex { $0.ip == DashboardFixture.scriptAddress })
        records[index].hostname = Self.marker
        records[index].error = Self.imageMarker
        records[index].identity?.serverNames.append(Self.marker)
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized
        let folder = root.appendingPathComponent(".build/artifacts")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let lines = try records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }.joined(separator: "\n") + "\n"
        try lines.write(to: folder.appendingPathComponent("dashboard-fixture.jsonl"), atomically: true, encoding: .utf8)
        let source = InMemoryDataSource(scans: [.init(name: "dashboard-fixture", records: records)])
        let overview = try await source.overview(scan: nil, finding: "CVE-2025-53786", minConfidence: .medium)
        let expected = """
            VULNERABLE=\(overview.status.vulnerable)
            EXCHANGE=\(overview.totals.exchangeHosts)
            HOST_PATH='/host?scan=dashboard-fixture&address=\(DashboardFixture.scriptAddress)&port=\(records[index].port)'

            """
        try expected.write(to: folder.appendingPathComponent("dashboard-fixture.expect"), atomically: true, encoding: .utf8)
        #expect(overview.status.vulnerable > 0)
    }
}
