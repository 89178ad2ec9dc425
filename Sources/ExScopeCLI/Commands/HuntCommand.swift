import ArgumentParser
import ExScopeCore
import ExScopeGraph
import Foundation

/// `exscope hunt`: credential changes on the shared principal and full_access_as_app grants.
struct HuntCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt",
        abstract: "Search Entra directory audits for credential changes on the shared principal and full_access_as_app grants.",
        discussion: "From a JSON export (--audit-file) or live (AuditLog.Read.All) with --since/--until. Exit 1 when anything is found."
    )

    @OptionGroup var graph: GraphOptions

    @Option(name: .customLong("audit-file"), help: ArgumentHelp("Directory audit export: a JSON array or Graph's {\"value\":[…]}.", valueName: "file"))
    var auditFile: String?

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
        if auditFile == nil && !graph.isConfigured { throw ValidationError("give --audit-file FILE or Graph credentials with --since") }
        if auditFile == nil && since == nil { throw ValidationError("live hunting needs --since (e.g. the date of your first HCW run)") }
        for value in [since, until].compactMap({ $0 }) where Timestamp(iso8601: value) == nil {
            throw ValidationError("'\(value)' is not an ISO 8601 time")
        }
    }

    struct Export: Decodable {
        var value: [DirectoryAudit]
    }

    func run() async throws {
        var events: [DirectoryAudit]
        if let auditFile {
            guard let data = FileManager.default.contents(atPath: auditFile) else { throw ExScopeFailure.badInput("cannot read \(auditFile)") }
            if let list = try? JSONDecoder().decode([DirectoryAudit].self, from: data) {
                events = list
            } else if let export = try? JSONDecoder().decode(Export.self, from: data) {
                events = export.value
            } else {
                throw ExScopeFailure.badInput("\(auditFile) is not a directory audit export (a JSON array of directoryAudit objects, or {\"value\":[…]})")
            }
        } else {
            guard let since = since.flatMap({ Timestamp(iso8601: $0) }) else { throw ExScopeFailure.badInput("--since is required") }
            do {
                events = try await AuditReader(client: try graph.client()).events(since: since, until: until.flatMap { Timestamp(iso8601: $0) })
            } catch {
                throw graphFailure(error)
            }
        }
        let findings = Hunter.analyse(events, sharedPrincipalId: sharedPrincipalId, dedicatedApps: Set(dedicatedApp))
        switch format {
        case .json:
            for finding in findings { Terminal.out(try JSONLines.encode(finding)) }
        case .table:
            Terminal.out("\(events.count) audit event(s) read; \(findings.count) finding(s).")
            for finding in findings {
                Terminal.out("")
                Terminal.out("\(finding.when?.description ?? "?")  \(finding.kind.rawValue)  \(finding.activity)")
                Terminal.out("  who: \(finding.who)\(finding.from.map { " from \($0)" } ?? "")\(finding.userAgent.map { " (\($0))" } ?? "")")
                Terminal.out("  target: \(finding.target); result: \(finding.result ?? "?")")
                for key in finding.keysAdded { Terminal.out("  key added: \(key)") }
                for key in finding.keysRemoved { Terminal.out("  key removed: \(key)") }
                Terminal.out("  why it matters: \(finding.why)")
            }
        }
        if !findings.isEmpty { throw ExitCode.needsAction }
    }
}
