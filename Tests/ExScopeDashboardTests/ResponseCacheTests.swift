import ExScopeCore
@testable import ExScopeDashboard
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// A data source whose data and version the test replaces, to see when the dashboard renders again.
final class SwappableSource: DashboardDataSource {
    private let current: Mutex<(source: InMemoryDataSource, version: Int)>

    init(_ source: InMemoryDataSource) { current = Mutex((source, 0)) }

    /// Replaces the data; `bump` says whether the version changes with it.
    func replace(with source: InMemoryDataSource, bump: Bool) {
        current.withLock { $0 = (source, $0.version + (bump ? 1 : 0)) }
    }

    private var source: InMemoryDataSource { current.withLock { $0.source } }
    func dataVersion() async throws -> Int { current.withLock { $0.version } }
    func scans() async throws -> [ScanSummary] { try await source.scans() }
    func overview(scan: String?, finding: String, minConfidence: HostProfile.Confidence) async throws -> Overview {
        try await source.overview(scan: scan, finding: finding, minConfidence: minConfidence)
    }
    func hosts(_ query: HostQuery) async throws -> HostPage { try await source.hosts(query) }
    func host(scan: String?, address: String, port: Int) async throws -> HostDetail? {
        try await source.host(scan: scan, address: address, port: port)
    }
    func diff(from: String, to: String, finding: String, limit: Int) async throws -> ScanDiff {
        try await source.diff(from: from, to: to, finding: finding, limit: limit)
    }
    func assessment() async throws -> OrganisationAssessment? { try await source.assessment() }
}

@Suite struct ResponseCacheTests {
    static func scan(_ name: String) -> InMemoryDataSource {
        InMemoryDataSource(scans: [.init(name: name, records: [])])
    }

    static func get(_ client: some TestClientProtocol, _ uri: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String) {
        try await client.execute(uri: uri, method: .get, headers: headers) { ($0.status, String(buffer: $0.body)) }
    }

    @Test func aPageIsRenderedAgainOnlyWhenTheDataVersionChanges() async throws {
        let source = SwappableSource(Self.scan("first-scan"))
        let app = Application(router: try Dashboard(source: source).router())
        try await app.test(.router) { client in
            #expect(try await Self.get(client, "/scans").1.contains("first-scan"))
            #expect(try await Self.get(client, "/api/scans").1.contains("first-scan"))
            // New data under the same version: the answers kept are still served.
            source.replace(with: Self.scan("second-scan"), bump: false)
            #expect(try await Self.get(client, "/scans").1.contains("first-scan"))
            #expect(try await Self.get(client, "/api/scans").1.contains("first-scan"))
            // A new version: rendered from the new data.
            source.replace(with: Self.scan("second-scan"), bump: true)
            let (_, page) = try await Self.get(client, "/scans")
            #expect(page.contains("second-scan") && !page.contains("first-scan"))
            #expect(try await Self.get(client, "/api/scans").1.contains("second-scan"))
        }
    }

    @Test func theQueryIsNormalisedAndDistinguishesAnswers() async throws {
        let source = SwappableSource(try await DashboardFixture.dataSource())
        let app = Application(router: try Dashboard(source: source).router())
        try await app.test(.router) { client in
            let (_, first) = try await Self.get(client, "/api/hosts?status=vulnerable&country=DE&limit=2")
            source.replace(with: Self.scan("other"), bump: false)
            // The same query in another order, with an empty parameter: the kept answer.
            #expect(try await Self.get(client, "/api/hosts?country=DE&cu=&limit=2&status=vulnerable").1 == first)
            // Another query is not answered from it (the new data has no such scan content).
            #expect(try await Self.get(client, "/api/hosts?status=vulnerable&country=DE&limit=3").1 != first)
        }
    }

    @Test func errorsAreNotKept() async throws {
        let source = SwappableSource(Self.scan("first-scan"))
        let app = Application(router: try Dashboard(source: source).router())
        try await app.test(.router) { client in
            let (before, _) = try await Self.get(client, "/?scan=later")
            #expect(before == .notFound)
            source.replace(with: Self.scan("later"), bump: false)
            let (after, _) = try await Self.get(client, "/?scan=later")
            #expect(after == .ok)
        }
    }

    @Test func aKeptPageStillNeedsTheTokenAndKeepsTheSecurityHeaders() async throws {
        let token = try #require(AccessToken(AuthTests.secret))
        let app = Application(router: try Dashboard(source: try await DashboardFixture.dataSource(), configuration: .init(token: token)).router())
        try await app.test(.router) { client in
            let bearer: HTTPFields = [.authorization: "Bearer \(AuthTests.secret)"]
            for uri in ["/", "/api/overview"] {
                for _ in 0..<2 {
                    let (status, _) = try await Self.get(client, uri, headers: bearer)
                    #expect(status == .ok)
                }
            }
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/login")
            }
            try await client.execute(uri: "/api/overview", method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"]) { response in
                #expect(response.status == .unauthorized)
                #expect(!String(buffer: response.body).contains("totals"))
            }
            try await client.execute(uri: "/", method: .get, headers: bearer) { response in
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func theCacheIsBoundedByEntriesAndBytesOldestFirst() async throws {
        let cache = ResponseCache(maxEntries: 2, maxBytes: 10)
        func key(_ path: String) -> ResponseCache.Key { .init(path: path, query: [:]) }
        func put(_ path: String, _ text: String) async throws -> String {
            String(buffer: try await cache.answer(key(path), version: 1) { .html(text) }.body)
        }
        _ = try await put("/a", "aaa")
        _ = try await put("/b", "bbb")
        _ = try await put("/c", "ccc")
        #expect(cache.count == 2)
        #expect(try await put("/a", "new") == "new")  // "/a" went first
        #expect(try await put("/c", "new") == "ccc")
        _ = try await put("/d", "dddddddd")  // 8 bytes: only room for it
        #expect(cache.count == 1)
        _ = try await put("/e", "this is more than ten bytes")
        #expect(try await put("/d", "new") == "dddddddd")
        // A new version starts empty.
        #expect(String(buffer: try await cache.answer(key("/d"), version: 2) { .html("v2") }.body) == "v2")
    }
}
