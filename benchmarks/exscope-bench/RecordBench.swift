// Cost of turning one host's outcome into its JSON Lines record, the other per-host cost
// of a scan besides fingerprinting (a streaming Codable encoder was tried and was only
// about 1.3 times faster: Codable's dynamic dispatch, not JSON, is most of the cost).
import ExScopeCore
import Foundation

enum RecordBench {
    static func run() throws {
        let catalog = try Catalog.bundled()
        guard let asOf = CalendarDate(year: 2025, month: 8, day: 10) else { return }
        let evidence = FingerprintBench.makeEvidence()
        let profile = Fingerprinter.classify(evidence, catalog: catalog, asOf: asOf)
        let record = ScanRecord(address: IPAddress("192.0.2.10"), port: 443, hostname: nil, timestamp: "2025-08-10T10:00:00Z",
                                durationMs: 120, status: .success, error: nil, evidence: evidence, profile: profile,
                                asOf: asOf, catalogDate: catalog.date)
        let foundation = JSONEncoder()
        foundation.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        try report("JSONEncoder, sorted keys, as scan writes them", bytes: foundation.encode(record).count) { _ = try foundation.encode(record) }
    }

    private static func report(_ name: String, bytes: Int, _ encode: () throws -> Void) throws {
        let iterations = 2_000
        var best = Double.infinity
        for _ in 0..<5 {
            best = min(best, Timing.seconds(try Timing.measure { for _ in 0..<iterations { try encode() } }))
        }
        print("record (\(name)): \(Timing.grouped(Int(Double(iterations) / best))) records/s, \(bytes) bytes each")
    }
}
