public import ExScopeCore
public import Hummingbird
public import Logging

/// The ExScope web dashboard: server-rendered pages and a JSON API over a ``DashboardDataSource``.
///
/// ```swift
/// let dashboard = try Dashboard(source: InMemoryDataSource(scans: scans))
/// let app = dashboard.application(host: "127.0.0.1", port: 8080)
/// try await app.runService()
/// ```
///
/// Pages: `/` (overview), `/hosts`, `/host`, `/scans`, `/scans/diff`, `/organisation`, `/login`.
/// The API mirrors them under `/api/` (see `docs/dashboard.md`).
public struct Dashboard: Sendable {
    /// Options that change how the dashboard behaves.
    public struct Configuration: Sendable {
        /// When set, every page and API call needs this token (bearer header or login cookie).
        /// Required when binding anywhere but loopback.
        public var token: AccessToken?
        /// The finding the overview shows when the URL names none.
        public var defaultFinding: String
        /// The confidence the overview counts from when the URL names none.
        public var defaultMinConfidence: HostProfile.Confidence
        /// The finding ids a URL may name (the catalog's), or nil for any well-formed id. Another id gets a
        /// 400 that names it, as `exscope report --finding` refuses it, instead of every host shown as unknown.
        public var knownFindings: Set<String>?

        public init(token: AccessToken? = nil, defaultFinding: String = "CVE-2025-53786",
                    defaultMinConfidence: HostProfile.Confidence = .medium, knownFindings: Set<String>? = nil) {
            self.token = token
            self.defaultFinding = defaultFinding
            self.defaultMinConfidence = defaultMinConfidence
            self.knownFindings = knownFindings
        }
    }

    let source: any DashboardDataSource
    let configuration: Configuration
    let views: DashboardViews
    /// Rendered pages and API answers, per data version (see ``ResponseCache``).
    let cache: ResponseCache

    /// - Throws: only if a built-in template fails to parse (a programming error).
    public init(source: any DashboardDataSource, configuration: Configuration = Configuration()) throws {
        self.source = source
        self.configuration = configuration
        views = try DashboardViews()
        cache = ResponseCache()
    }

    /// The router with every page, API endpoint and middleware: what tests drive with `.router`.
    public func router() -> Router<BasicRequestContext> {
        // HEAD answers as GET without the body, as HTTP asks (link checkers and monitors use it).
        let router = Router(options: .autoGenerateHeadEndpoints)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorPageMiddleware(views: views))
        router.add(middleware: ReadOnlyMethodsMiddleware())
        if configuration.token == nil { router.add(middleware: LoopbackHostMiddleware()) }
        router.add(middleware: AuthMiddleware(token: configuration.token))
        addPages(to: router)
        addAPI(to: router)
        addLogin(to: router)
        return router
    }

    /// An application listening on `host:port` (default loopback). The caller runs it with `runService()`.
    /// - Parameter onServerRunning: called with the bound port once listening (useful with port 0).
    public func application(host: String = "127.0.0.1", port: Int = 8080, logger: Logger? = nil,
                            onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        var logger = logger ?? Logger(label: "exscope.dashboard")
        if logger.logLevel > .info { logger.logLevel = .info }
        return Application(router: router(), configuration: .init(address: .hostname(host, port: port), serverName: "exscope"),
                           onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
                           logger: logger)
    }

    /// The overview as one self-contained HTML file: stylesheet inline, a meta Content-Security-Policy
    /// that allows no script, and no links back to a server.
    public func htmlReport(scan: String? = nil, finding: String? = nil, minConfidence: HostProfile.Confidence? = nil) async throws -> String {
        let overview = try await source.overview(scan: scan, finding: finding ?? configuration.defaultFinding,
                                                 minConfidence: minConfidence ?? configuration.defaultMinConfidence)
        let view = OverviewView(overview, scans: try await source.scans(), chrome: PageChrome(title: "Exposure report", report: true))
        return views.render(view, "overview")
    }
}
