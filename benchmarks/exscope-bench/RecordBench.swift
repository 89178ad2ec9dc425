// Cost of turning one host's outcome into its JSON Lines record, the other per-host cost
// of a scan besides fingerprinting: JSONEncoder, and the hand-written writer `exscope scan`
// uses (with its findings list encoded once per build, as the scanner caches it).
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
        try report("JSONEncoder, sorted keys", bytes: foundation.encode(record).count) { _ = try foundation.encode(record) }
        let findings = Array(try foundation.encode(record.findings))
        let line = record.jsonLine(findings: findings)
        guard line == Array(try foundation.encode(record)) else { throw CocoaError(.coderInvalidValue) }
        try report("JSONLineWriter, as scan writes them", bytes: line.count) { _ = record.jsonLine(findings: findings) }
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
