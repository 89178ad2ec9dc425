public import ExScopeCore
import Foundation

/// Writes a synthetic scan whose country split is a published table, e.g. the August 2025
/// Shadowserver count of hosts vulnerable to CVE-2025-53786 (29,098: US 7,296, DE 6,682, …).
///
/// Addresses are drawn from country ranges (tor's `low,high,CC` format); ``rangeFile()`` writes a
/// small file of such ranges in public space, one block per country, so tests need nothing else.
/// Every record is labelled synthetic through its scan name.
public struct ExposureTableGenerator: Sendable {
    /// The August 2025 table: the seven countries the articles named.
    public static let august2025Top: [(country: String, hosts: Int)] = [
        ("US", 7_296), ("DE", 6_682), ("RU", 2_513), ("FR", 1_558), ("GB", 955), ("AT", 928), ("CA", 860),
    ]
    /// The article's total.
    public static let august2025Total = 29_098
    /// Where the rest (8,306 hosts) goes: smaller countries, none above Canada.
    public static let otherCountries = ["NL", "IT", "ES", "CH", "PL", "BR", "JP", "AU", "SE", "BE", "CZ", "IN", "TR", "ZA", "MX", "KR",
                                        "DK", "NO", "FI", "PT", "IE", "HU", "RO", "UA", "GR"]
    /// The scan name the records carry.
    public static let scanName = "synthetic-shadowserver-2025-08"

    /// Country → host count for the whole table.
    public let counts: [(country: String, hosts: Int)]
    public let seed: UInt64

    /// The August 2025 table with the rest spread evenly over ``otherCountries``.
    public static func august2025(seed: UInt64 = 2025_08_14) -> ExposureTableGenerator {
        let rest = august2025Total - august2025Top.reduce(0) { $0 + $1.hosts }
        var counts = august2025Top
        for (index, country) in otherCountries.enumerated() {
            let share = rest / otherCountries.count + (index < rest % otherCountries.count ? 1 : 0)
            counts.append((country, share))
        }
        return ExposureTableGenerator(counts: counts, seed: seed)
    }

    public init(counts: [(country: String, hosts: Int)], seed: UInt64) {
        self.counts = counts
        self.seed = seed
    }

    /// The first address of each country's block: /12 blocks from 20.0.0.0 (public space).
    static func block(_ index: Int) -> (low: UInt32, high: UInt32) {
        let low = UInt32(20) << 24 + UInt32(index) << 20
        return (low, low + (1 << 20) - 1)
    }

    /// A tor-format range file covering every country of the table (IPv4, integers).
    public func rangeFile() -> String {
        var lines = ["# Synthetic country ranges for ExScope tests (not real allocations)", "# Generated: Thu, 14 Aug 2025 00:00:00 GMT"]
        for (index, entry) in counts.enumerated() {
            let block = Self.block(index)
            lines.append("\(block.low),\(block.high),\(entry.country)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The JSON Lines of the scan, in a shuffled order, each line an `exscope.scan/1` record of
    /// an on-premises Exchange server vulnerable to CVE-2025-53786.
    /// - Parameters:
    ///   - catalog: the knowledge base the verdicts come from.
    ///   - scan: the scan name written into each record.
    ///   - multiplier: repeats the table this many times with fresh addresses (benchmarks).
    /// - Throws: when a template build is not vulnerable in `catalog`.
    public func lines(catalog: Catalog, scan: String = scanName, multiplier: Int = 1) throws -> [String] {
        var lines: [String] = []
        lines.reserveCapacity(Self.august2025Total * multiplier)
        try forEachLine(catalog: catalog, scan: scan, multiplier: multiplier) { lines.append($0) }
        return lines
    }

    /// The lines of ``lines(catalog:scan:multiplier:)``, in the same order, each made when `body` takes it:
    /// a benchmark writes a million of them (3.4 GB) without holding them all.
    public func forEachLine(catalog: Catalog, scan: String = scanName, multiplier: Int = 1, _ body: (String) throws -> Void) throws {
        let asOf = CalendarDate(year: 2025, month: 8, day: 14) ?? catalog.date
        let builds = ["15.2.1544.11", "15.2.1258.39", "15.1.2507.39", "15.2.1118.40"]
        var templates: [String] = []
        for build in builds {
            let report = BuildReport(try catalog.verdict(for: build, asOf: asOf), asOf: asOf)
            guard report.findings.first(where: { $0.id == "CVE-2025-53786" })?.status == .vulnerable else { continue }
            templates.append(try template(report: report, scan: scan, asOf: asOf, catalog: catalog))
        }
        guard !templates.isEmpty else { throw GeneratorError("no template build is vulnerable to CVE-2025-53786 in this catalog") }
        var random = SeededGenerator(seed: seed)
        var hosts: [(address: UInt32, host: Int, index: Int, round: Int)] = []
        hosts.reserveCapacity(Self.august2025Total * multiplier)
        var used = Set<UInt32>()
        for round in 0..<multiplier {
            for (index, entry) in counts.enumerated() {
                let block = Self.block(index)
                for host in 0..<entry.hosts {
                    var address: UInt32
                    repeat {
                        address = block.low + UInt32(truncatingIfNeeded: random.next() % UInt64(block.high - block.low + 1))
                    } while !used.insert(address).inserted
                    hosts.append((address, host, index, round))
                }
            }
        }
        // A scan finds hosts in no particular order.
        for index in stride(from: hosts.count - 1, to: 0, by: -1) {
            hosts.swapAt(index, Int(random.next() % UInt64(index + 1)))
        }
        for (address, host, index, round) in hosts {
            let ip = "\(address >> 24).\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
            let second = (host + round * 7) % 86_400
            let time = String(format: "2025-08-14T%02d:%02d:%02dZ", second / 3600, second / 60 % 60, second % 60)
            try body(templates[(host + index) % templates.count]
                .replacingOccurrences(of: "\"ip\":\"0.0.0.0\"", with: "\"ip\":\"\(ip)\"")
                .replacingOccurrences(of: "2025-08-14T00:00:00Z", with: time))
        }
    }

    private func template(report: BuildReport, scan: String, asOf: CalendarDate, catalog: Catalog) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let findings = String(decoding: try encoder.encode(report.findings), as: UTF8.self)
        let json = """
            {"schema":"exscope.scan/1","scan":\(String(decoding: try encoder.encode(scan), as: UTF8.self)),"ip":"0.0.0.0","port":443,
            "timestamp":"2025-08-14T00:00:00Z","durationMs":412,"status":"success",
            "exchange":{"detected":true,"confidence":"high","exchangeOnline":false,"anomalies":[],
              "signals":["owa-version-header","logon-page","export-tool"],
              "candidates":[{"build":"\(report.build)","precision":"exact","sources":["x-owa-version","export-tool"]}]},
            "build":"\(report.build)","precision":"exact","product":"\(report.product)","productId":"\(report.productId)",
            \(report.cu.map { "\"cu\":\"\($0)\"," } ?? "")\(report.update.map { "\"update\":\"\($0)\"," } ?? "")
            "support":"\(report.support.rawValue)","supportReason":"synthetic","asOf":"\(asOf)","catalogDate":"\(catalog.date)",
            "findings":\(findings),
            "evidence":[{"source":"x-owa-version","path":"/owa/auth/logon.aspx","value":"\(report.build)","build":"\(report.build)","precision":"exact"}],
            "hybrid":{"likely":false},"requests":[{"path":"/owa/auth/logon.aspx","status":200}]}
            """
        // Round-trip through ScanRecord so the line is exactly what `exscope scan` writes.
        let record = try JSONDecoder().decode(ScanRecord.self, from: Data(json.utf8))
        return String(decoding: try encoder.encode(record), as: UTF8.self)
    }
}

/// A generator input that cannot produce the table.
public struct GeneratorError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
