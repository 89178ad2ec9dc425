import ArgumentParser
import ExScopeCore
import ExScopeDashboard
import ExScopeStore
import Foundation
import Hummingbird

/// `exscope serve`: the dashboard on 127.0.0.1, or elsewhere with a token.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the dashboard (overview, hosts, scans, organisation and a JSON API).",
        discussion: """
            Binds 127.0.0.1 by default. Binding any other address needs --token-file: clients then send \
            'Authorization: Bearer TOKEN' or sign in once in the browser. Stops on Ctrl-C.
            """
    )

    @Option(help: "Address to listen on.")
    var bind = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port to listen on (0 picks a free one).")
    var port = 8080

    @Option(name: .customLong("token-file"), help: ArgumentHelp("File whose content (at least 16 characters) is the access token.", valueName: "file"))
    var tokenFile: String?

    @OptionGroup var input: DashboardInputOptions
    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var catalogOptions: CatalogOptions

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        if tokenFile == nil && !Self.isLoopback(bind) {
            throw ValidationError("binding \(bind) exposes the dashboard beyond this machine: give --token-file FILE, or bind 127.0.0.1")
        }
    }

    /// Whether `host` is `localhost`, `::1` or an address in 127.0.0.0/8 (not a name that starts like one).
    static func isLoopback(_ host: String) -> Bool {
        IPAddress.isLoopbackHost(host)
    }

    /// Reads the token without ever printing it.
    static func token(_ path: String) throws -> AccessToken {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExScopeFailure.badInput("\(path): cannot read the token file") }
        guard let token = AccessToken(String(decoding: data, as: UTF8.self)) else {
            throw ExScopeFailure.badInput("\(path): the token must be at least 16 characters")
        }
        return token
    }

    func run() async throws {
        let token = try tokenFile.map(Self.token)
        let source: any DashboardDataSource
        let store: (any ResultStore)?
        // The findings a URL may name: a store's results are judged again with the catalog, so its ids;
        // files given with -i are shown with the verdicts they carry, which a newer catalog may have made.
        let knownFindings: Set<String>?
        if input.inputs.isEmpty {
            let opened = try await storeOptions.open()
            let assessment = try input.assessment.map(AssessmentLoader.load)
            let catalog = try catalogOptions.load()
            // Host pages read their records from the store: it stays open while serving.
            source = try await StoreDashboardSource.load(opened, catalog: catalog, asOf: catalogOptions.date,
                                                         assessment: assessment)
            store = opened
            knownFindings = Set(catalog.vulnerabilities.map(\.id))
        } else {
            source = try input.load()
            store = nil
            knownFindings = nil
        }
        let dashboard = try Dashboard(source: source, configuration: .init(token: token, knownFindings: knownFindings))
        let bind = bind
        let app = dashboard.application(host: bind, port: port) { port in
            let host = bind.contains(":") ? "[\(bind)]" : bind
            Terminal.error("serving http://\(host):\(port)/ (Ctrl-C stops)\(token == nil ? "" : "; sign in with the token file's content")", prefix: false)
        }
        try await app.runService()
        try await store?.close()
    }
}
