import ExScopeCore
import Hummingbird

extension Dashboard {
    /// The JSON API: the same data source calls as the pages, encoded with sorted keys.
    func addAPI(to router: Router<BasicRequestContext>) {
        let api = router.group("api")
        api.get("overview") { request, _ in
            try await cached(request) {
                let q = try QueryParameters(request)
                return try .json(try await source.overview(
                    scan: try q.text("scan"), finding: try q.finding(known: configuration.knownFindings),
                    minConfidence: try q.choice("confidence", HostProfile.Confidence.self) ?? configuration.defaultMinConfidence))
            }
        }
        api.get("hosts") { request, _ in
            try await cached(request) { try .json(try await source.hosts(try QueryParameters(request).hostQuery(knownFindings: configuration.knownFindings))) }
        }
        api.get("host") { request, _ in
            try await cached(request) {
                let (scan, address, port) = try Self.hostParameters(request)
                guard let detail = try await source.host(scan: scan, address: address, port: port) else {
                    throw HTTPError(.notFound, message: "no host \(address):\(port) in this scan")
                }
                return try .json(detail)
            }
        }
        api.get("scans") { request, _ in try await cached(request) { try .json(try await source.scans()) } }
        api.get("scans/diff") { request, _ in try await cached(request) { try .json(try await Self.diff(request, source: source, knownFindings: configuration.knownFindings)) } }
        api.get("organisation") { request, _ in
            // `null` when no assessment is stored.
            try await cached(request) { try .json(try await source.assessment()) }
        }
        api.get("**") { _, _ -> Response in throw HTTPError(.notFound, message: "no such API endpoint; see docs/dashboard.md") }
    }
}
