import ArgumentParser
import ExScopeCore
import ExScopeGraph
import ExScopeStore
import Foundation

/// `exscope assess`: the ED 25-02 report from the inventory and Entra.
struct AssessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "assess",
        abstract: "Combine the on-premises inventory and Entra (Graph) into the ED 25-02 report.",
        discussion: """
            Read-only. Graph permission: Application.Read.All. The report is also saved in the store \
            (--store, default as for scan; --no-store to skip) for the dashboard's Organisation page. \
            Exit 1 when any action is action-required or compromise-suspected, 0 otherwise; 2 bad input; \
            3 the run failed.
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

    @Flag(name: .customLong("no-store"), help: "Do not save the assessment in the store.")
    var noStore = false

    @OptionGroup var storeOptions: StoreOptions

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
        for path in out { try OutputFile.write(AssessmentRenderer.render(report, as: ReportFormat(path: path)), to: path) }
        Terminal.out(AssessmentRenderer.render(report, as: format))
        if !noStore { try await Self.save(report, in: storeOptions) }
        if report.needsAction { throw ExitCode.needsAction }
    }

    /// Saves the report for the dashboard. It runs after the report is printed and written, so a
    /// store that cannot be opened loses nothing: the default store is then skipped with a warning,
    /// a store named with `--store` is an error (exit 3), as for `scan`.
    static func save(_ report: AssessmentReport, in storeOptions: StoreOptions) async throws {
        do {
            let store = try await storeOptions.open()
            let id = try await storeOperation { try await store.saveAssessment(storable(report)) }
            try? await store.close()
            Terminal.error("assessment #\(id) saved in \(store.displayName); exscope serve shows it on the Organisation page", prefix: false)
        } catch let failure as ExScopeFailure where storeOptions.store == nil {
            Terminal.error("not saving the assessment: \(failure.message)")
        }
    }

    /// The report as the store keeps it, saved now.
    static func storable(_ report: AssessmentReport) -> StoredAssessment {
        StoredAssessment(report: report, document: AssessmentRenderer.json(report), storedAt: StoreTime.now())
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
