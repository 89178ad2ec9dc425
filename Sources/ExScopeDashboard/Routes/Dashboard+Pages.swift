import ExScopeCore
import Hummingbird

extension Dashboard {
    /// Whether pages offer "Sign out": with a token, every request a route handles has passed the
    /// auth middleware (bearer token or session cookie), so this is the same for every page.
    var signedIn: Bool { configuration.token != nil }

    /// The route's answer from the response cache, rendering it on a miss. Called only from
    /// handlers, i.e. after the auth middleware accepted the request.
    func cached(_ request: Request, _ render: () async throws -> Rendered) async throws -> Response {
        let key = ResponseCache.Key(path: request.uri.path, query: try QueryParameters(request).values)
        return try await cache.answer(key, version: try await source.dataVersion(), render: render).response()
    }

    func addPages(to router: Router<BasicRequestContext>) {
        router.get("/") { request, _ in
            try await cached(request) {
                let q = try QueryParameters(request)
                let overview = try await source.overview(scan: try q.text("scan"), finding: try q.finding(known: configuration.knownFindings),
                                                         minConfidence: try q.choice("confidence", HostProfile.Confidence.self) ?? configuration.defaultMinConfidence)
                let view = OverviewView(overview, scans: try await source.scans(),
                                        chrome: PageChrome(title: "Overview", signedIn: signedIn))
                return .html(views.render(view, "overview"))
            }
        }
        router.get("/hosts") { request, _ in
            try await cached(request) {
                let query = try QueryParameters(request).hostQuery(knownFindings: configuration.knownFindings)
                let page = try await source.hosts(query)
                let view = HostsView(page, query: query, scans: try await source.scans(), signedIn: signedIn)
                return .html(views.render(view, "hosts"))
            }
        }
        router.get("/host") { request, _ in
            try await cached(request) {
                let (scan, address, port) = try Self.hostParameters(request)
                guard let detail = try await source.host(scan: scan, address: address, port: port) else {
                    throw HTTPError(.notFound, message: "no host \(address):\(port) in this scan")
                }
                return .html(views.render(HostView(detail, address: address, signedIn: signedIn), "host"))
            }
        }
        router.get("/scans") { request, _ in
            try await cached(request) { .html(views.render(ScansView(try await source.scans(), signedIn: signedIn), "scans")) }
        }
        router.get("/scans/diff") { request, _ in
            try await cached(request) {
                let diff = try await Self.diff(request, source: source, knownFindings: configuration.knownFindings)
                return .html(views.render(DiffView(diff, signedIn: signedIn), "diff"))
            }
        }
        router.get("/organisation") { request, _ in
            try await cached(request) {
                .html(views.render(OrganisationView(try await source.assessment(), signedIn: signedIn), "organisation"))
            }
        }
        router.get("/static/app.css") { _, _ in
            var response = Responses.html(StylesheetTemplate.css)
            response.headers[.contentType] = "text/css; charset=utf-8"
            return response
        }
    }

    static func hostParameters(_ request: Request) throws -> (String?, String, Int) {
        let q = try QueryParameters(request)
        guard let address = try q.text("address", maxLength: 255) else { throw QueryParameters.bad("'address' is required (an IP address or host name)") }
        guard let port = try q.integer("port", in: 0...65535) else { throw QueryParameters.bad("'port' is required (0 to 65535)") }
        return (try q.text("scan"), address, port)
    }

    static func diff(_ request: Request, source: any DashboardDataSource, knownFindings: Set<String>?) async throws -> ScanDiff {
        let q = try QueryParameters(request)
        let scans = try await source.scans()
        guard let to = try q.text("to") ?? scans.last?.name else { throw DashboardError.noScans }
        guard let from = try q.text("from") ?? (scans.count >= 2 ? scans[scans.count - 2].name : nil) else {
            throw QueryParameters.bad("'from' is required: there is only one scan")
        }
        return try await source.diff(from: from, to: to, finding: try q.finding(known: knownFindings),
                                     limit: try q.integer("limit", in: 1...10_000) ?? 200)
    }
}
