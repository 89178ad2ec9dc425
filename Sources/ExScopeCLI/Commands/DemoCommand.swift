import ArgumentParser
import ExScopeCore
import ExScopeDashboard
import ExScopeGeo
import ExScopeGraph
import ExScopeProbes
import ExScopeStore
import ExScopeTesting
import Foundation
import NIOCore

/// `exscope demo`: the whole job on loopback, with nothing to configure.
///
/// Starts the fleet simulator on 127.77.x.y, scans it with a progress bar, stores the results in
/// the default store, adds the synthetic August 2025 table as a second, clearly labelled scan (loopback
/// has no country), assesses a sample organisation against a simulated Microsoft Graph tenant on
/// 127.0.0.1 and stores that assessment, prints the exposure summary, writes the HTML report, and says
/// how to open the dashboard — or serves it with `--serve`.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Simulate a fleet on loopback, scan it, store and summarise the results, and write the HTML report."
    )

    @Option(parsing: .unconditional, help: "Simulated hosts.")
    var hosts = 400

    @Option(parsing: .unconditional, help: "Seed of the simulated fleet.")
    var seed: UInt64 = 1

    @Option(name: .customLong("report"), help: ArgumentHelp("Where to write the HTML report.", valueName: "file"))
    var reportPath = "exscope-demo-report.html"

    @Flag(help: "Keep serving the dashboard on 127.0.0.1 until Ctrl-C.")
    var serve = false

    @Option(parsing: .unconditional, help: "The dashboard's port with --serve.")
    var port = 8080

    @OptionGroup var storeOptions: StoreOptions

    /// The simulated hosts' port when it is free (else any free one).
    static let simulatorPort = 44_377

    func validate() throws {
        guard (1...20_000).contains(hosts) else { throw ValidationError("--hosts must be 1-20000") }
    }

    func run() async throws {
        let catalog = try Catalog.bundled()
        let asOf = CalendarDate.today()
        let started = StoreTime.now()
        let scanName = "demo-" + started

        // 1. The fleet, on loopback only.
        // The same port in every demo while it is free, so that `exscope diff` of two demos compares the same targets.
        func fleet(port: Int) throws -> FleetSimulator {
            try FleetSimulator(configuration: .init(hosts: hosts, seed: seed, baseAddress: "127.77.0.1", port: port), catalog: catalog)
        }
        var simulator = try fleet(port: Self.simulatorPort)
        do {
            try await simulator.start()
        } catch {
            simulator = try fleet(port: 0)
            try await simulator.start()
        }
        let first = simulator.hosts.first?.ip ?? "127.77.0.1", last = simulator.hosts.last?.ip ?? first
        Terminal.error("demo: simulating \(hosts) hosts on \(first)-\(last) port \(simulator.port)", prefix: false)

        // 2. Scan it into the store.
        let store = try await storeOptions.open()
        let id = try await storeOperation {
            try await store.openScan(ScanInfo(name: scanName, startedAt: started, targets: "\(first)-\(last)",
                                              options: ["port": String(simulator.port), "seed": String(seed), "demo": "true"],
                                              source: "scan", enrichment: "none (loopback has no country)",
                                              catalogDate: catalog.date.description))
        }
        let sink = StoreSink(store: store, scan: id, enricher: GeoEnricher(countryDatabase: nil, asnDatabase: nil, ranges: nil))
        var configuration = ProbeConfiguration()
        configuration.timeouts.response = .seconds(3)
        configuration.timeouts.host = .seconds(10)
        configuration.identity = true
        configuration.hybridHint = true
        let prober = try HostProber(configuration: configuration, catalog: catalog, asOf: asOf)
        let targets = simulator.hosts.compactMap { host in
            IPAddress(host.ip).map { ScanTarget(address: $0, hostname: nil, port: simulator.port, named: true) }
        }
        let reporter = ProgressReporter(total: UInt64(targets.count), mode: Terminal.stderrIsTTY ? .bar : .lines)
        var counts = ScanSession.Counts()
        do {
            try await ScanRunner(prober: prober, concurrency: 200).run(targets) { outcome in
                let record = ScanRecord(outcome, asOf: asOf, catalogDate: catalog.date)
                counts.add(record, failOn: nil)
                if ResultSink.answered.contains(record.status) { try await sink.add(record, json: nil) }
                reporter.update(counts)
            }
        } catch let failure as ScanRunner.LocalFailure {
            reporter.finish()
            try? await sink.finish()
            throw ExScopeFailure.runFailure("the demo's scan stopped after \(counts.results) results: \(failure.reason) (raise `ulimit -n`)")
        }
        reporter.finish()
        try await sink.finish()
        try await simulator.stop()

        // 3. The synthetic August 2025 table, once per store, for the country views.
        let reopened = try await storeOptions.open()
        let synthetic = ExposureTableGenerator.august2025()
        if try await !reopened.scans().contains(where: { $0.name == ExposureTableGenerator.scanName }) {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-demo-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let ranges = folder.appendingPathComponent("synthetic-ranges")
            try Data(synthetic.rangeFile().utf8).write(to: ranges)
            let lines = try synthetic.lines(catalog: catalog).joined(separator: "\n") + "\n"
            let enricher = GeoEnricher(countryDatabase: nil, asnDatabase: nil, ranges: try CountryRanges(paths: [ranges.path]),
                                       rangeFiles: [ranges.path])
            var feed = try ImportFeed(input: MappedFile(copying: lines), file: "synthetic August 2025 table", enricher: enricher,
                                  store: reopened)
            _ = try await storeOperation {
                try await reopened.importResults(scan: ScanInfo(name: ExposureTableGenerator.scanName, startedAt: "2025-08-14T00:00:00Z",
                                                                targets: "synthetic", options: ["synthetic": "true"], source: "synthetic",
                                                                enrichment: "synthetic country ranges"), feed: &feed)
            }
            Terminal.error("demo: stored the synthetic August 2025 table (\(ExposureTableGenerator.august2025Total) hosts) as scan '\(ExposureTableGenerator.scanName)' — labelled synthetic", prefix: false)
        }

        // 4. An organisation assessment for the Organisation page, from a simulated tenant.
        let assessment = try await Self.assessSample(into: reopened, catalog: catalog)

        // 5. The exposure summary of the demo scan.
        Terminal.out("ExScope demo: \(counts.results) simulated hosts scanned, \(counts.onPremises) on-premises Exchange, \(counts.hybridVulnerable) vulnerable to CVE-2025-53786 (catalog \(catalog.date))\n")
        for dimension in [ReportDimension.product, .cu, .finding, .support] {
            let request = ReportRequest(scan: scanName, by: dimension, finding: dimension == .finding ? nil : "CVE-2025-53786",
                                        status: dimension == .finding ? nil : .vulnerable, top: 10, minConfidence: .medium,
                                        dedupe: .ip, findingIDs: catalog.vulnerabilities.map(\.id))
            let report = try await storeOperation { try await reopened.report(request) }
            Terminal.out(try ReportRenderer.render(report, format: .table))
            Terminal.out("")
        }

        let statusCounts = ActionStatus.allCases.compactMap { status in assessment.counts[status].map { "\($0) \(status.rawValue)" } }
        Terminal.out("Organisation '\(assessment.organizationName ?? "?")' (sample inventory, simulated tenant): \(assessment.overall.rawValue) — \(statusCounts.joined(separator: ", "))\n")

        // 6. The HTML report, from the store like the dashboard.
        let source = try await StoreDashboardSource.load(reopened, catalog: catalog, asOf: asOf, assessment: nil)
        try await reopened.close()
        try await HTMLReportWriter.write(source: source, scan: scanName, finding: "CVE-2025-53786", minConfidence: .medium, to: reportPath)
        Terminal.out("HTML report: \(URL(fileURLWithPath: reportPath).path)")
        Terminal.out("Results are in \(storeOptions.store ?? StoreOptions.defaultLocation(environment: ProcessInfo.processInfo.environment)); to browse them: exscope serve  (then open http://127.0.0.1:8080/)")

        if serve {
            Terminal.out("Serving the dashboard on http://127.0.0.1:\(port)/ until Ctrl-C")
            let command = try ServeCommand.parse(["--port", String(port)] + (storeOptions.store.map { ["--store", $0] } ?? []))
            try await command.run()
        }
    }

    /// Assesses ``SampleInventory/demo`` against a mock Graph tenant on 127.0.0.1 (the dedicated app
    /// deployed, the shared principal's key still there) and saves the report in `store`.
    static func assessSample(into store: any ResultStore, catalog: Catalog) async throws -> StoredAssessment {
        let secret = "demo-" + UUID().uuidString
        let server = try await MockGraphServer.start(.dedicatedAppSharedKeysRemain(secret: secret))
        let now = Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
        let snapshot: TenantSnapshot
        let inventory: Inventory
        do {
            inventory = try InventoryReader.read(Array(SampleInventory.demo.utf8))
            let graph = GraphClient(credential: .clientSecret(tenant: MockGraphTenant.defaultTenantId, clientId: MockGraphTenant.defaultClientId, secret: Secret(secret)),
                                    environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL))
            snapshot = try await TenantReader(client: graph).read(organizationGuid: inventory.organizationGuid, tenantId: MockGraphTenant.defaultTenantId, now: now)
        } catch {
            await server.stop()
            throw graphFailure(error)
        }
        await server.stop()
        let report = OrganisationAssessor(catalog: catalog, now: now).assess(inventory: inventory, tenant: snapshot)
        var stored = AssessCommand.storable(report)
        stored.id = try await storeOperation { try await store.saveAssessment(stored) }
        Terminal.error("demo: assessed the sample organisation against a simulated Graph tenant on \(server.baseURL); stored as assessment #\(stored.id ?? 0)", prefix: false)
        return stored
    }
}
