import ExScopeCore
import ExScopeDashboard
import ExScopeProbes
import ExScopeTesting
import Foundation
import NIOCore

/// Scan records made by the real scanner against the loopback simulator, shared by the suites.
enum DashboardFixture {
    static let asOf = CalendarDate(year: 2026, month: 11, day: 27)!
    static let scriptBuild = BuildNumber(15, 2, 1544, 14)

    /// A fleet of 80 mixed hosts plus the script-injection host, scanned once per process.
    static let scanned = Task { () throws -> [ScanRecord] in
        let catalog = try Catalog.bundled()
        let fleet = try FleetSimulator(configuration: .init(hosts: 80, seed: 20_250_806, baseAddress: "127.41.0.1"), catalog: catalog)
        let hostile = try FleetSimulator(configuration: .init(personas: [.scriptInjection(build: scriptBuild)], baseAddress: "127.42.0.1"),
                                         catalog: catalog)
        var records: [ScanRecord] = []
        for simulator in [fleet, hostile] {
            try await simulator.start()
            records += try await scan(simulator, catalog: catalog)
            try await simulator.stop()
        }
        return records
    }

    static func scan(_ simulator: FleetSimulator, catalog: Catalog) async throws -> [ScanRecord] {
        var configuration = ProbeConfiguration()
        // Generous: other suites (2,000-host fleets) may load both cores while this runs.
        configuration.timeouts.connect = .seconds(10)
        configuration.timeouts.tlsHandshake = .seconds(15)
        configuration.timeouts.response = .seconds(10)
        configuration.timeouts.host = .seconds(30)
        configuration.identity = true
        configuration.hybridHint = true
        let prober = try HostProber(configuration: configuration, catalog: catalog, asOf: asOf)
        let runner = ScanRunner(prober: prober, concurrency: 16)
        let targets = simulator.hosts.compactMap { host in
            IPAddress(host.ip).map { ScanTarget(address: $0, hostname: nil, port: simulator.port, named: true) }
        }
        var records: [ScanRecord] = []
        try await runner.run(targets) { outcome in
            records.append(ScanRecord(address: outcome.address, port: outcome.target.port, hostname: nil,
                                      timestamp: "2025-08-10T12:00:00Z", durationMs: 0, status: outcome.status, error: outcome.error,
                                      evidence: outcome.evidence, profile: outcome.profile, asOf: asOf, catalogDate: catalog.date))
        }
        return records
    }

    /// The script-injection host's address.
    static let scriptAddress = "127.42.0.1"

    static let countries: [(String, String, Int)] = [("US", "United States", 7018), ("DE", "Germany", 3320), ("FR", "France", 3215)]

    /// Two scans of the same fleet: in the second, the first five vulnerable hosts are patched.
    static func dataSource(assessment: OrganisationAssessment? = nil) async throws -> InMemoryDataSource {
        let first = try await scanned.value
        var second = first
        var patched = 0
        for i in second.indices where second[i].finding("CVE-2025-53786") == .vulnerable && patched < 5 {
            for f in second[i].findings.indices where second[i].findings[f].id == "CVE-2025-53786" { second[i].findings[f].status = .patched }
            patched += 1
        }
        for i in second.indices { second[i].timestamp = "2025-08-20T12:00:00Z" }
        return InMemoryDataSource(scans: [.init(name: "aug-10", records: first), .init(name: "aug-20", records: second)],
                                  assessment: assessment, locate: locate)
    }

    /// Countries by the last octet, so the fixture has a country split; the script host gets none.
    @Sendable static func locate(_ record: ScanRecord) -> HostLocation? {
        guard let ip = record.ip, ip != scriptAddress, let last = ip.split(separator: ".").last.flatMap({ Int($0) }) else { return nil }
        let (code, name, asn) = countries[last % countries.count]
        return HostLocation(countryCode: code, countryName: name, asn: asn, asName: "AS-\(code)")
    }
}
