import ExScopeCore
import ExScopeDashboard
import ExScopeTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// The script-injection host's payloads, scanned by the real scanner, must come out as text on every page.
@Suite struct EscapingTests {
    /// Every real tag in the page (text from scan data has its `<` escaped, so it never forms one).
    static func tags(_ html: String) -> [String] {
        var tags: [String] = []
        var rest = html[...]
        while let open = rest.firstIndex(of: "<") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: ">") else { break }
            tags.append(String(after[..<close]).lowercased())
            rest = after[after.index(after: close)...]
        }
        return tags
    }

    /// No script or image element, no event-handler or javascript: attribute in any tag.
    static func assertInert(_ html: String, _ uri: String) {
        for tag in tags(html) {
            let name = tag.prefix { $0 != " " && $0 != "/" && $0 != "\n" }
            #expect(!["script", "img", "iframe", "object", "embed"].contains(String(name)), "\(uri) has a <\(name)> tag: \(tag)")
            #expect(!tag.contains("onerror") && !tag.contains("onload") && !tag.contains("javascript:"), "\(uri) has a handler: \(tag)")
        }
        #expect(!html.contains("<script"), "\(uri) contains <script")
    }

    @Test func theScannedRecordCarriesThePayloads() async throws {
        let records = try await DashboardFixture.scanned.value
        let record = try #require(records.first { $0.ip == DashboardFixture.scriptAddress })
        let json = String(decoding: try JSONEncoder().encode(record), as: UTF8.self)
        #expect(json.contains("<script>alert(1)<\\/script>") || json.contains("<script>alert(1)</script>"))
        #expect(record.tls?.subjectCommonName?.contains("onerror") == true)
    }

    @Test func noPageLetsAPayloadThrough() async throws {
        let records = try await DashboardFixture.scanned.value
        let record = try #require(records.first { $0.ip == DashboardFixture.scriptAddress })
        // Also put payloads where the data source, not the scanner, supplies text: country and AS names, scan label.
        let source = InMemoryDataSource(scans: [.init(name: "evil", label: ScriptPayloads.script, records: records)],
                                        assessment: OrganisationAssessment(title: ScriptPayloads.attribute, generatedAt: nil, items: [
                                            ChecklistItem(scope: ScriptPayloads.script, action: ScriptPayloads.attribute, status: "<b>",
                                                          evidence: ScriptPayloads.script, nextCommand: ScriptPayloads.attribute)])) { r in
            HostLocation(countryCode: "XX", countryName: ScriptPayloads.script, asn: 1, asName: ScriptPayloads.attribute)
        }
        let dashboard = try Dashboard(source: source)
        let uris = ["/", "/hosts", "/hosts?country=XX", "/host?address=\(DashboardFixture.scriptAddress)&port=\(record.port)", "/scans",
                    "/scans/diff?from=evil&to=evil", "/organisation",
                    "/hosts?product=%3Cscript%3Ealert(1)%3C%2Fscript%3E", "/host?address=%3Cscript%3E&port=1"]
        try await Application(router: dashboard.router()).test(.router) { client in
            for uri in uris {
                try await client.execute(uri: uri, method: .get) { response in
                    let html = String(buffer: response.body)
                    Self.assertInert(html, uri)
                    #expect(response.status == .ok || response.status == .notFound, "\(uri)")
                }
            }
            try await client.execute(uri: "/host?address=\(DashboardFixture.scriptAddress)&port=\(record.port)", method: .get) { response in
                let html = String(buffer: response.body)
                // The payloads are shown, as text.
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
                #expect(html.contains("onerror=alert(&#39;cn&#39;)"))
            }
        }
        let report = try await dashboard.htmlReport()
        Self.assertInert(report, "report")
        #expect(report.contains("&lt;script&gt;"))
    }

    @Test func templatesUseOnlyEscapingTags() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/ExScopeDashboard/Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count >= 6)
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            let code = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
            #expect(!code.contains("{{{"), "\(file) has a triple mustache")
            #expect(!code.contains("{{&"), "\(file) has an unescaped tag")
            #expect(!code.contains("CONTENT_TYPE"), "\(file) changes the content type")
            #expect(!code.lowercased().contains("<script"), "\(file) has a script element")
            #expect(!code.contains("style=\""), "\(file) has an inline style attribute (blocked by the CSP)")
        }
    }
}
