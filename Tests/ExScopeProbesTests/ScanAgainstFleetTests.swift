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
        // Generous enough for a loaded 2-core machine (the simulator shares it); hostile hosts
        // still end at these limits.
        configuration.timeouts.connect = .seconds(5)
        configuration.timeouts.tlsHandshake = .seconds(5)
        configuration.timeouts.response = .seconds(4)
        configuration.timeouts.host = .seconds(20)
        configuration.limits.bodyBytes = 256 * 1024
        return configuration
    }

    /// Scans the fleet and returns one record per address.
    static func scan(_ simulator: FleetSimulator, catalog: Catalog, configuration: ProbeConfiguration = quickConfiguration(),
                     concurrency: Int = 200) async throws -> [String: ScanRecord] {
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
        // The scanner's own record writer writes every one of them exactly as JSONEncoder does.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let mismatched = try records.values.filter { try $0.jsonLine(findings: Array(encoder.encode($0.findings))) != Array(encoder.encode($0)) }
        #expect(mismatched.isEmpty, "\(mismatched.count) records written differently, e.g. \(mismatched.first.map { "\($0.ip ?? "?")" } ?? "")")
        // Every kind of host was in the fleet.
        let kinds = Set(simulator.hosts.map { $0.persona.kind })
        #expect(kinds.count >= 15)
        // Hostile hosts end within their limits: nothing hangs past the host timeout.
        #expect(elapsed < .seconds(120))
    }

    /// The logon page is skipped only where `/owa/` and the manifest settle an exact build that nothing
    /// contradicts, and skipping it changes no conclusion that reading it (`thorough`) reaches.
    @Test func theLogonPageIsSkippedOnlyWhereTheManifestSettlesTheBuild() async throws {
        let catalog = try Catalog.bundled()
        let simulator = try FleetSimulator(configuration: .init(hosts: 400, seed: 424_242, baseAddress: "127.23.0.1"), catalog: catalog)
        try await simulator.start()
        let quick = try await Self.scan(simulator, catalog: catalog)
        var configuration = Self.quickConfiguration()
        configuration.thorough = true
        let thorough = try await Self.scan(simulator, catalog: catalog, configuration: configuration)
        try await simulator.stop()
        func readLogon(_ record: ScanRecord) -> Bool { record.requests.contains { $0.path.hasPrefix("/owa/auth/logon.aspx") } }
        var skipped = 0, read = 0
        for host in simulator.hosts where host.truth.status == .success {
            guard let fast = quick[host.ip], let full = thorough[host.ip] else {
                Issue.record("\(host.ip): no result")
                continue
            }
            #expect(readLogon(full), "\(host.ip) \(host.persona.kind): --thorough did not read the logon page")
            if readLogon(fast) {
                read += 1
            } else {
                skipped += 1
                #expect(fast.requests.map(\.path).prefix(2) == ["/owa/", "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"])
                #expect(fast.exchange?.detected == true && fast.exchange?.confidence == .high && fast.precision == .exact
                            && fast.exchange?.anomalies.isEmpty == true,
                        "\(host.ip) \(host.persona.kind): logon page skipped without an exact, uncontested build")
            }
            #expect(fast.exchange?.detected == full.exchange?.detected && fast.exchange?.confidence == full.exchange?.confidence,
                    "\(host.ip) \(host.persona.kind): detection differs without the logon page")
            #expect(fast.build == full.build && fast.precision == full.precision && fast.findings == full.findings,
                    "\(host.ip) \(host.persona.kind): build or verdicts differ without the logon page")
        }
        #expect(skipped > 100 && read > 20, "skipped \(skipped), read \(read)")
    }
}

/// Hostile hosts, exclusions and shards.
@Suite(.serialized) struct ScanLimitsTests {
    @Test func everyHostileHostGetsItsStatusWithinTheLimits() async throws {
        let catalog = try Catalog.bundled()
        // Each hostile mode twice, plus a well-behaved host to show the scanner carries on.
        let personas = (HostileMode.all + HostileMode.all).map(Persona.hostile) + [.onPrem(BuildNumber(15, 2, 1748, 24))]
        let simulator = try FleetSimulator(configuration: .init(personas: personas, baseAddress: "127.22.0.1"), catalog: catalog)
        try await simulator.start()
        var configuration = ScanAgainstFleetTests.quickConfiguration()
        configuration.limits.bodyBytes = 128 * 1024
        let prober = try HostProber(configuration: configuration, catalog: catalog, asOf: ScanAgainstFleetTests.asOf)
        var outcomes: [String: HostOutcome] = [:]
        try await ScanRunner(prober: prober, concurrency: 64).run(simulator.hosts.map {
            ScanTarget(address: IPAddress($0.ip), hostname: nil, port: simulator.port, named: true)
        }) { outcomes[$0.address?.description ?? "?"] = $0 }
        try await simulator.stop()
        for host in simulator.hosts {
            let outcome = try #require(outcomes[host.ip])
            #expect(outcome.status.rawValue == host.truth.status.rawValue, "\(host.persona.kind): \(outcome.status) (\(outcome.error ?? ""))")
            // Whatever the host does, the scanner gives up within the host limit (plus scheduling slack).
            #expect(outcome.duration < .seconds(25), "\(host.persona.kind) took \(outcome.duration)")
            // Bodies never grow past the cap: memory stays bounded however much a host sends.
            #expect(outcome.evidence.responses.allSatisfy { $0.body.count <= configuration.limits.bodyBytes })
        }
        let good = try #require(simulator.hosts.last)
        #expect(outcomes[good.ip]?.profile?.verdict?.update == "Apr25HU")
    }

    @Test func excludedAndOutOfShardTargetsAreNeverContacted() async throws {
        let catalog = try Catalog.bundled()
        let simulator = try FleetSimulator(configuration: .init(hosts: 64, seed: 3, baseAddress: "127.23.0.0", mix: .wellBehaved),
                                           catalog: catalog)
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        var exclusions = ExclusionList.standard
        try exclusions.addUserExclusions("127.23.0.8/29\n127.23.0.40\n", source: "optout.txt")
        let spec = try TargetSpec(parsing: "127.23.0.0/26")
        let prober = try HostProber(configuration: ScanAgainstFleetTests.quickConfiguration(), catalog: catalog, asOf: ScanAgainstFleetTests.asOf)
        let excluded = Set((8..<16).map { "127.23.0.\($0)" } + ["127.23.0.40"])

        var seenPerShard: [Set<String>] = []
        for shard in 0..<2 {
            simulator.requestLog.reset()
            let plan = try ScanPlan(targets: [spec], ports: [simulator.port], exclusions: exclusions, seed: 99, shard: (shard, 2))
            let members = Set(plan.map { $0.address?.description ?? "" })
            var scanned = Set<String>()
            let summary = try await ScanRunner(prober: prober, concurrency: 32).run(plan) { scanned.insert($0.address?.description ?? "") }
            let contacted = simulator.requestLog.contactedAddresses
            #expect(contacted.isDisjoint(with: excluded), "excluded addresses were contacted: \(contacted.intersection(excluded))")
            #expect(contacted.isSubset(of: members), "a target outside shard \(shard + 1)/2 was contacted")
            #expect(scanned.isDisjoint(with: excluded))
            #expect(summary.excludedSilently == UInt64(members.intersection(excluded).count))
            seenPerShard.append(members)
        }
        // The shards are disjoint and together cover the block.
        #expect(seenPerShard[0].isDisjoint(with: seenPerShard[1]))
        #expect(seenPerShard[0].union(seenPerShard[1]).count == 64)
    }
}
