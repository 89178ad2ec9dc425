import ArgumentParser
import ExScopeCore
import ExScopeGraph
import Foundation

/// `exscope assess`: the ED 25-02 report from the inventory and Entra.
struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Combine the on-premises inventory and Entra (Graph) into the ED 25-02 report.",
        discussion: """
            Read-only. Graph permission: Application.Read.All. Exit 1 when any action is \
            action-required or compromise-suspected, 0 otherwise; 2 bad input; 3 the run failed.
            """
    )

    @OptionGroup var organisation: OrganisationOptions
    @OptionGroup var graph: GraphOptions

    @Option(help: "Output format on standard output: table, json, markdown or csv.")
    var format: ReportFormat = .table

    @Option(name: .customLong("out"), help: ArgumentHelp("Also write the report to FILE; the format follows the extension (.json, .md, .csv, .txt).", valueName: "file"))
    var out: [String] = []

    @Option(help: ArgumentHelp("Load this catalog file instead of the built-in one.", valueName: "file"))
    var catalog: String?

    func validate() throws {
        if organisation.inventory == nil && !graph.isConfigured {
            throw ValidationError("give --inventory FILE, Graph credentials, or both")
        }
    }

    func run() async throws {
        let catalog = try CatalogOptions.load(path: catalog)
        let now = organisation.instant
        let inventory = try organisation.loadInventory()
        var snapshot: TenantSnapshot?
        if graph.isConfigured {
            do {
                let tenantId = graph.tenant.flatMap(GUID.normalised) ?? inventory?.authServers.first(where: \.isEvoSTS)?.realm
                snapshot = try await TenantReader(client: try graph.client()).read(organizationGuid: inventory?.organizationGuid, tenantId: tenantId, now: now)
            } catch {
                throw graphFailure(error)
            }
        }
        let report = OrganisationAssessor(catalog: catalog, now: now).assess(inventory: inventory, tenant: snapshot)
        for path in out {
            let format = ReportFormat(path: path)
            do {
                try Data(AssessmentRenderer.render(report, as: format).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ExScopeFailure.runFailure("cannot write \(path): \(CatalogOptions.describe(error))")
            }
        }
        Terminal.out(AssessmentRenderer.render(report, as: format))
        if report.needsAction { throw ExitCode.needsAction }
    }
}

/// Report formats.
enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, markdown, csv

    init(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "md", "markdown": self = .markdown
        case "csv": self = .csv
        case "txt": self = .table
        default: self = .json
        }
    }
}

extension CatalogOptions {
    static func load(path: String?) throws -> Catalog {
        var options = CatalogOptions()
        options.catalog = path
        return try options.load()
    }
}
