import ExScopeCore
import ExScopeProbes
import ExScopeTesting
import Foundation
import NIOCore
import Testing

/// Scans simulated fleets on loopback and compares every host with the simulator's ground truth.
@Suite(.serialized) struct ScanAgainstFleetTests {
    static let asOf = CalendarDate(year: 2026, month: 11, day: 27)!

    static func quickConfiguration() -> ProbeConfiguration {
        var configuration = ProbeConfiguration()
        configuration.timeouts.connect = .seconds(2)
        configuration.timeouts.tlsHandshake = .seconds(2)
        configuration.timeouts.response = .milliseconds(1500)
        configuration.timeouts.host = .seconds(6)
        configuration.limits.bodyBytes = 256 * 1024
        return configuration
    }

    /// Scans the fleet and returns one record per address.
    static func scan(_ simulator: FleetSimulator, catalog: Catalog, configuration: ProbeConfiguration = quickConfiguration(),
                     concurrency: Int = 400) async throws -> [String: ScanRecord] {
        let prober = try HostProber(configuration: configuration, catalog: catalog, asOf: asOf)
        let runner = ScanRunner(prober: prober, concurrency: concurrency)
        let targets = simulator.hosts.compactMap { host in
            IPAddress(host.ip).map { ScanTarget(address: $0, hostname: nil, port: simulator.port, named: true) }
        }
        var records: [String: ScanRecord] = [:]
        try await runner.run(targets) { outcome in
            let record = ScanRecord(address: outcome.address, port: outcome.target.port, hostname: nil, timestamp: "",
                                    durationMs: 0, status: outcome.status, error: outcome.error, evidence: outcome.evidence,
                                    profile: outcome.profile, asOf: asOf, catalogDate: catalog.date)
            records[outcome.address?.description ?? "?"] = record
        }
        return records
    }

    /// The differences between a record and the truth, as readable lines.
    static func differences(_ record: ScanRecord?, _ host: SimulatedHost) -> [String] {
        guard let record else { return ["\(host.ip) \(host.persona.kind): no result"] }
        let truth = host.truth
        var out: [String] = []
        func check(_ name: String, _ seen: String?, _ expected: String?) {
            if seen != expected { out.append("\(host.ip) \(host.persona.kind): \(name) \(seen ?? "nil") != truth \(expected ?? "nil")") }
        }
        check("status", record.status.rawValue, truth.status.rawValue)
        guard truth.status == .success else { return out }
        check("detected", String(record.exchange?.detected ?? false), String(truth.detected))
        check("exchangeOnline", String(record.exchange?.exchangeOnline ?? false), String(truth.exchangeOnline))
        guard truth.detected, !truth.exchangeOnline else { return out }
        check("build", record.build, truth.build)
        check("precision", record.precision.rawValue, truth.precision.rawValue)
        check("product", record.productId, truth.product)
        check("cu", record.cu, truth.cu)
        check("CVE-2025-53786", record.finding("CVE-2025-53786")?.rawValue, truth.cve202553786?.rawValue)
        check("hybrid tenant", record.hybrid.tenantId, nil as String?)
        return out
    }

    @Test func aScanOf2000HostsAgreesWithTheGroundTruth() async throws {
        let catalog = try Catalog.bundled()
        let simulator = try FleetSimulator(configuration: .init(hosts: 2000, seed: 20_261_127, baseAddress: "127.21.0.1"), catalog: catalog)
        try await simulator.start()
        let clock = ContinuousClock()
        let started = clock.now
        let records = try await Self.scan(simulator, catalog: catalog)
        let elapsed = clock.now - started
        try await simulator.stop()
        #expect(records.count == 2000)
        var differences: [String] = []
        for host in simulator.hosts { differences += Self.differences(records[host.ip], host) }
        let report = "\(differences.count) differences, first: " + differences.prefix(25).joined(separator: "\n")
        #expect(differences.count == 0, "\(report)")
        // Every kind of host was in the fleet.
        let kinds = Set(simulator.hosts.map { $0.persona.kind })
        #expect(kinds.count >= 15)
        // Hostile hosts end within their limits: nothing hangs past the host timeout.
        #expect(elapsed < .seconds(60))
    }
}
