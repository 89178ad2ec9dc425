import ExScopeCore
import ExScopeDashboard
import ExScopeTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Every page and API endpoint through the router, with no sockets.
@Suite struct RouteTests {
    static let checklist = OrganisationAssessment(title: "ED 25-02 for contoso.example", generatedAt: "2025-08-21T09:00:00Z", items: [
        ChecklistItem(scope: "tenant", action: "Reset the keyCredentials of the shared service principal", status: "to-do",
                      evidence: "3 certificates still on 00000002-0000-0ff1-ce00-000000000000", nextCommand: "exscope assess --tenant"),
        ChecklistItem(scope: "server mail01", action: "Install the April 2025 hotfix", status: "done", evidence: "15.2.1544.25", nextCommand: nil),
    ])

    static func app(token: AccessToken? = nil) async throws -> some ApplicationProtocol {
        let dashboard = try Dashboard(source: try await DashboardFixture.dataSource(assessment: checklist),
                                      configuration: .init(token: token))
        return Application(router: dashboard.router())
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test(arguments: ["/", "/?scan=aug-10", "/?finding=CVE-2021-26855&confidence=high", "/hosts", "/hosts?status=vulnerable&confidence=medium",
                      "/hosts?country=de&limit=3", "/hosts?anomaly=path-cu-mismatch", "/hosts?asn=AS3320&product=Exchange%20Server%202019&cu=CU14",
                      "/scans", "/scans/diff", "/scans/diff?from=aug-10&to=aug-20", "/organisation", "/login", "/static/app.css"])
    func everyPageAnswers(_ uri: String) async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok, "\(uri)")
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src") == false)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                if !uri.hasPrefix("/static") { #expect(Self.body(response).contains("</html>")) }
            }
        }
    }

    @Test func theOverviewShowsTheCountsOfTheDataSource() async throws {
        let source = try await DashboardFixture.dataSource()
        let overview = try await source.overview(scan: nil, finding: "CVE-2025-53786", minConfidence: .medium)
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                let html = Self.body(response)
                #expect(html.contains("id=\"total-vulnerable\">\(overview.status.vulnerable)<"))
                #expect(html.contains("id=\"total-exchange\">\(overview.totals.exchangeHosts)<"))
                #expect(html.contains("<svg class=\"chart\""))
                #expect(html.contains("Germany"))
                #expect(html.contains("<polyline"))
            }
        }
    }

    @Test func theHostPageExplainsTheVerdict() async throws {
        let records = try await DashboardFixture.scanned.value
        let record = try #require(records.first { $0.finding("CVE-2025-53786") == .vulnerable && $0.ip != DashboardFixture.scriptAddress })
        let ip = try #require(record.ip)
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/host?scan=aug-10&address=\(ip)&port=\(record.port)", method: .get) { response in
                let html = Self.body(response)
                #expect(response.status == .ok)
                #expect(html.contains("Exchange was detected from"))
                #expect(html.contains("CVE-2025-53786 is vulnerable"))
                #expect(html.contains(record.build ?? "no build"))
            }
            try await client.execute(uri: "/api/host?scan=aug-10&address=\(ip)&port=\(record.port)", method: .get) { response in
                let detail = try JSONDecoder().decode(HostDetail.self, from: Data(String(buffer: response.body).utf8))
                #expect(detail.record == record)
            }
            try await client.execute(uri: "/host?address=203.0.113.9&port=443", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(Self.body(response).contains("no host 203.0.113.9:443"))
            }
        }
    }

    @Test func theAPIReturnsEveryPagesData() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/api/overview?scan=aug-20", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let overview = try JSONDecoder().decode(Overview.self, from: Data(String(buffer: response.body).utf8))
                #expect(overview.scan.name == "aug-20" && overview.history.count == 2)
            }
            try await client.execute(uri: "/api/hosts?limit=5&confidence=low", method: .get) { response in
                let page = try JSONDecoder().decode(HostPage.self, from: Data(String(buffer: response.body).utf8))
                #expect(page.rows.count == 5 && page.nextCursor != nil)
            }
            try await client.execute(uri: "/api/scans", method: .get) { response in
                let scans = try JSONDecoder().decode([ScanSummary].self, from: Data(String(buffer: response.body).utf8))
                #expect(scans.map(\.name) == ["aug-10", "aug-20"])
            }
            try await client.execute(uri: "/api/scans/diff?from=aug-10&to=aug-20", method: .get) { response in
                let diff = try JSONDecoder().decode(ScanDiff.self, from: Data(String(buffer: response.body).utf8))
                #expect(diff.newlyFixed.count == 5)
            }
            try await client.execute(uri: "/api/organisation", method: .get) { response in
                let assessment = try JSONDecoder().decode(OrganisationAssessment.self, from: Data(String(buffer: response.body).utf8))
                #expect(assessment == Self.checklist)
            }
            try await client.execute(uri: "/api/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func theOrganisationPageShowsAnAssessReportAndEarlierAssessments() async throws {
        let inventory = try InventoryReader.read(Array(SampleInventory.demo.utf8))
        let report = OrganisationAssessor(catalog: try Catalog.bundled(), now: try #require(Timestamp(iso8601: "2026-11-27T12:00:00Z")))
            .assess(inventory: inventory, tenant: nil)
        let earlier = AssessmentSummary(generatedAt: "2026-11-01T08:00:00Z", organisation: "Contoso", overall: "action-required",
                                        counts: ["action-required": 2, "done": 5, "unknown": 0])
        let assessment = OrganisationAssessment(report, earlier: [earlier])
        #expect(assessment.items.count == report.actions.count + report.actions.map(\.servers.count).reduce(0, +) + report.warnings.count)
        let dashboard = try Dashboard(source: InMemoryDataSource(scans: [], assessment: assessment), configuration: .init(token: nil))
        try await Application(router: dashboard.router()).test(.router) { client in
            try await client.execute(uri: "/organisation", method: .get) { response in
                let html = Self.body(response)
                #expect(html.contains("ED 25-02 for Contoso (demo sample): \(report.overall.rawValue)"))
                #expect(html.contains("<td>EX02</td>"))
                #expect(html.contains("Earlier assessments"))
                #expect(html.contains("<td>2 action-required, 5 done</td>"))
            }
            try await client.execute(uri: "/api/organisation", method: .get) { response in
                let served = try JSONDecoder().decode(OrganisationAssessment.self, from: Data(String(buffer: response.body).utf8))
                #expect(served == assessment)
            }
        }
    }

    @Test func theOrganisationPageRendersTheChecklist() async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/organisation", method: .get) { response in
                let html = Self.body(response)
                #expect(html.contains("Reset the keyCredentials"))
                #expect(html.contains("exscope assess --tenant"))
                #expect(html.contains("class=\"status-done\">done"))
            }
        }
    }

    @Test(arguments: [
        ("/hosts?status=broken", "'status' must be one of"), ("/hosts?limit=0", "'limit' must be a whole number"),
        ("/hosts?limit=99999999999999999999", "'limit'"), ("/hosts?asn=-1", "'asn'"), ("/hosts?country=Germany", "two-letter"),
        ("/hosts?confidence=certain", "'confidence'"), ("/hosts?anomaly=%3Cscript%3E", "'anomaly'"), ("/hosts?cursor=%00%01", "cursor"),
        ("/hosts?cursor=abcd", "cursor"), ("/hosts?finding=%3Cscript%3E", "finding id"), ("/?confidence=x", "'confidence'"),
        ("/host?address=1.2.3.4", "'port' is required"), ("/host?port=443", "'address' is required"), ("/host?address=a&port=70000", "'port'"),
        ("/api/hosts?status=nope", "'status'"), ("/api/host?port=x&address=y", "'port'"), ("/scans/diff?from=aug-10&limit=-5", "'limit'"),
        ("/hosts?product=a%0Ab", "control characters"),
    ])
    func badParametersGetA400ThatSaysWhy(_ uri: String, _ expected: String) async throws {
        try await Self.app().test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest, "\(uri)")
                let text = Self.body(response).replacingOccurrences(of: "&#39;", with: "'")
                #expect(text.contains(expected), "\(uri): \(text)")
                if uri.hasPrefix("/api/") { #expect(response.headers[.contentType]?.contains("json") == true) }
            }
        }
    }

    /// A finding the catalog does not have is refused, on every page and API that takes one, as
    /// `exscope report --finding` refuses it; without a list of known findings any well-formed id is taken.
    @Test func aFindingTheCatalogDoesNotHaveGetsA400() async throws {
        let known: Set<String> = ["CVE-2025-53786", "CVE-2021-26855"]
        let dashboard = try Dashboard(source: try await DashboardFixture.dataSource(), configuration: .init(knownFindings: known))
        try await Application(router: dashboard.router()).test(.router) { client in
            for uri in ["/?finding=CVE-2025-5378", "/hosts?finding=CVE-2025-5378", "/api/hosts?finding=CVE-2025-5378",
                        "/api/overview?finding=CVE-2025-5378", "/scans/diff?from=aug-10&to=aug-20&finding=CVE-2025-5378"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(Self.body(response).replacingOccurrences(of: "&#39;", with: "'").contains("unknown finding 'CVE-2025-5378'"), "\(uri)")
                }
            }
            for uri in ["/?finding=CVE-2021-26855", "/hosts?finding=CVE-2025-53786", "/api/hosts"] {
                try await client.execute(uri: uri, method: .get) { response in #expect(response.status == .ok, "\(uri)") }
            }
        }
        try await Self.app().test(.router) { client in
            try await client.execute(uri: "/hosts?finding=CVE-2025-5378", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    /// Methods the dashboard does not take get 405 and the ones it does (OPTIONS gets them with 204), not 404.
    @Test func otherMethodsGet405WithTheAllowedOnes() async throws {
        try await Self.app().test(.router) { client in
            for (uri, method, allowed) in [("/hosts", HTTPRequest.Method.post, "GET, HEAD"), ("/api/hosts", .delete, "GET, HEAD"),
                                           ("/", .put, "GET, HEAD"), ("/login", .put, "GET, HEAD, POST"), ("/logout", .get, "POST")] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allowed, "\(method) \(uri)")
                }
            }
            try await client.execute(uri: "/hosts", method: .options) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.allow] == "GET, HEAD")
            }
            try await client.execute(uri: "/hosts", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test func unknownScansAre404() async throws {
        try await Self.app().test(.router) { client in
            for uri in ["/?scan=missing", "/api/overview?scan=missing", "/hosts?scan=missing", "/scans/diff?from=missing&to=aug-20"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(Self.body(response).contains("no scan named"))
                }
            }
        }
    }
}
