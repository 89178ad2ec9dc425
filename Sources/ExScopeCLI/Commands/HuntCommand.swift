import ArgumentParser
import ExScopeCore
import ExScopeGraph
import Foundation

/// `exscope hunt`: credential changes on the shared principal, full_access_as_app grants, and
/// sign-ins of the shared principal with a key.
struct HuntCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt",
        abstract: "Search Entra directory audits and sign-in logs for abuse of the shared Exchange Online principal.",
        discussion: """
            Reports credential changes on the shared principal, full_access_as_app grants, and sign-ins of the shared \
            principal with a certificate or client assertion. From JSON exports (--audit-file, --sign-in-file) or live \
            (AuditLog.Read.All; sign-ins from Graph beta) with --since/--until. Exit 1 when anything is found.
            """
    )

    @OptionGroup var graph: GraphOptions

    @Option(name: .customLong("audit-file"), help: ArgumentHelp("Directory audit export: a JSON array or Graph's {\"value\":[…]}.", valueName: "file"))
    var auditFile: String?

    @Option(name: .customLong("sign-in-file"), help: ArgumentHelp("Sign-in export (beta auditLogs/signIns): a JSON array or {\"value\":[…]}.", valueName: "file"))
    var signInFile: String?

    @Option(help: ArgumentHelp("Start of the window (ISO 8601); live only.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("End of the window (ISO 8601); live only.", valueName: "time"))
    var until: String?

    @Option(name: .customLong("dedicated-app"), help: ArgumentHelp("appId or name of the dedicated hybrid app (its consent is expected).", valueName: "id"))
    var dedicatedApp: [String] = []

    @Option(name: .customLong("shared-principal-id"), help: ArgumentHelp("Object id of the tenant's Office 365 Exchange Online service principal.", valueName: "id"))
    var sharedPrincipalId: String?

    @Option(help: "Output format: table or json.")
    var format: OutputFormat = .table

    func validate() throws {
        let fromFiles = auditFile != nil || signInFile != nil
        if !fromFiles && !graph.isConfigured { throw ValidationError("give --audit-file FILE, --sign-in-file FILE, or Graph credentials with --since") }
        if !fromFiles && since == nil { throw ValidationError("live hunting needs --since (e.g. the date of your first HCW run)") }
        for value in [since, until].compactMap({ $0 }) where Timestamp(iso8601: value) == nil {
            throw ValidationError("'\(value)' is not an ISO 8601 time")
        }
        if let since, let until, let start = Timestamp(iso8601: since), let end = Timestamp(iso8601: until), end < start {
            throw ValidationError("--until \(until) is before --since \(since)")
        }
    }

    struct Export<T: Decodable>: Decodable {
        var value: [T]
    }

    /// A Graph export: a JSON array of objects, or Graph's `{"value":[…]}` page.
    static func export<T: Decodable>(_ type: T.Type, _ path: String, what: String) throws -> [T] {
        guard let data = FileManager.default.contents(atPath: path) else { throw ExScopeFailure.badInput("cannot read \(path)") }
        if let list = try? JSONDecoder().decode([T].self, from: data) { return list }
        if let page = try? JSONDecoder().decode(Export<T>.self, from: data) { return page.value }
        throw ExScopeFailure.badInput("\(path) is not a \(what) export (a JSON array of \(what) objects, or {\"value\":[…]})")
    }

    func run() async throws {
        var events: [DirectoryAudit] = []
        var signIns: [SignInEvent] = []
        if auditFile != nil || signInFile != nil {
            events = try auditFile.map { try Self.export(DirectoryAudit.self, $0, what: "directoryAudit") } ?? []
            signIns = try signInFile.map { try Self.export(SignInEvent.self, $0, what: "signIn") } ?? []
        } else {
            guard let since = since.flatMap({ Timestamp(iso8601: $0) }) else { throw ExScopeFailure.badInput("--since is required") }
            let until = until.flatMap { Timestamp(iso8601: $0) }
            do {
                let reader = AuditReader(client: try graph.client())
                events = try await reader.events(since: since, until: until)
                do {
                    signIns = try await reader.sharedPrincipalSignIns(since: since, until: until)
                } catch let error as GraphError where error.code == .licenceRequired {
                    // The directory audits are still worth reporting.
                    Terminal.error("sign-in logs not read: \(error.message)")
                }
            } catch {
                throw graphFailure(error)
            }
        }
        let findings = Hunter.chronological(Hunter.analyse(events, sharedPrincipalId: sharedPrincipalId, dedicatedApps: Set(dedicatedApp))
                                            + Hunter.analyse(signIns: signIns))
        switch format {
        case .json:
            for finding in findings { Terminal.out(try JSONLines.encode(finding)) }
        case .table:
            Terminal.out("\(events.count) audit event(s) and \(signIns.count) sign-in(s) read; \(findings.count) finding(s).")
            for finding in findings {
                Terminal.out("")
                Terminal.out("\(finding.when?.description ?? "?")  \(finding.kind.rawValue)  \(finding.activity)")
                Terminal.out("  who: \(finding.who)\(finding.from.map { " from \($0)" } ?? "")\(finding.userAgent.map { " (\($0))" } ?? "")")
                Terminal.out("  target: \(finding.target); result: \(finding.result ?? "?")")
                for key in finding.keysAdded { Terminal.out("  key added: \(key)") }
                for key in finding.keysRemoved { Terminal.out("  key removed: \(key)") }
                if let credential = finding.credential { Terminal.out("  credential: \(credential)") }
                Terminal.out("  why it matters: \(finding.why)")
            }
        }
        if !findings.isEmpty { throw ExitCode.needsAction }
    }
}
