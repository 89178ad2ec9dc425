import ExScopeCore
import ExScopeProbes
import Foundation
import NIOConcurrencyHelpers

/// Writes scan results as they arrive and keeps the counts the summary and gates need.
final class ResultSink {
    struct Counts {
        var results = 0
        var onPremises = 0
        var online = 0
        var hybridVulnerable = 0
        var hybridPatched = 0
        var hybridIndeterminate = 0
        var gateHits = 0
    }

    private let handle: FileHandle
    private let ownsHandle: Bool
    private let format: ScanCommand.ScanFormat
    private let failOn: String?
    private let encoder: JSONEncoder
    private(set) var counts = Counts()
    private var wroteHeader = false

    init(path: String?, format: ScanCommand.ScanFormat, failOn: String?) throws {
        self.format = format
        self.failOn = failOn
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if let path, path != "-" {
            guard FileManager.default.createFile(atPath: path, contents: nil),
                  let handle = FileHandle(forWritingAtPath: path) else {
                throw ExScopeFailure.badInput("cannot write output file \(path)")
            }
            self.handle = handle
            ownsHandle = true
        } else {
            handle = .standardOutput
            ownsHandle = false
        }
    }

    func write(_ outcome: HostOutcome, asOf: CalendarDate, catalogDate: CalendarDate) throws {
        let record = ScanRecord(outcome, asOf: asOf, catalogDate: catalogDate)
        count(record)
        let line: String
        switch format {
        case .jsonl:
            line = String(decoding: try encoder.encode(record), as: UTF8.self)
        case .table:
            if !wroteHeader {
                try emit(ScanTable.header)
                wroteHeader = true
            }
            line = ScanTable.row(record)
        }
        try emit(line)
    }

    private func emit(_ line: String) throws {
        do {
            try handle.write(contentsOf: Data((line + "\n").utf8))
        } catch {
            throw ExScopeFailure.runFailure("cannot write results: \(CatalogOptions.describe(error))")
        }
    }

    private func count(_ record: ScanRecord) {
        counts.results += 1
        guard let exchange = record.exchange, exchange.detected else { return }
        if exchange.exchangeOnline {
            counts.online += 1
            return
        }
        counts.onPremises += 1
        switch record.finding("CVE-2025-53786") {
        case .vulnerable: counts.hybridVulnerable += 1
        case .patched: counts.hybridPatched += 1
        case .indeterminate: counts.hybridIndeterminate += 1
        default: break
        }
        if let failOn {
            let hit = failOn.lowercased() == "any"
                ? record.findings.contains { $0.status == .vulnerable }
                : record.findings.contains { $0.id.caseInsensitiveCompare(failOn) == .orderedSame && $0.status == .vulnerable }
            if hit { counts.gateHits += 1 }
        }
    }

    func close() throws {
        if ownsHandle { try? handle.close() }
    }
}

extension ScanRecord {
    init(_ outcome: HostOutcome, asOf: CalendarDate, catalogDate: CalendarDate) {
        self.init(address: outcome.address, port: outcome.target.port, hostname: outcome.target.hostname,
                  timestamp: outcome.startedAt.formatted(.iso8601), durationMs: Int(outcome.duration.components.seconds * 1000
                      + outcome.duration.components.attoseconds / 1_000_000_000_000_000),
                  status: outcome.status, error: outcome.error, evidence: outcome.evidence, profile: outcome.profile,
                  asOf: asOf, catalogDate: catalogDate)
    }
}

/// The human view of scan results, one row per target as it arrives.
enum ScanTable {
    static let widths = [22, 19, 36, 16, 14]
    static let header = pad(["TARGET", "STATUS", "EXCHANGE", "BUILD", "CVE-2025-53786", "NOTES"])

    static func row(_ record: ScanRecord) -> String {
        let address = record.ip.map { $0.contains(":") ? "[\($0)]" : $0 } ?? record.hostname ?? "?"
        var exchange = "-"
        if let detected = record.exchange {
            if detected.exchangeOnline {
                exchange = "Exchange Online"
            } else if detected.detected {
                exchange = [record.product ?? "Exchange", record.cu, record.update].compactMap { $0 }.joined(separator: " ")
                exchange += " (\(detected.confidence.rawValue))"
            } else {
                exchange = "not Exchange"
            }
        }
        let build = record.build.map { "\($0) \(record.precision.rawValue)" } ?? "-"
        let hybrid = record.finding("CVE-2025-53786")?.rawValue ?? "-"
        var notes = record.exchange?.anomalies.map(\.code.rawValue) ?? []
        if let error = record.error, record.status != .success { notes.append(error) }
        if record.hybrid.likely { notes.append("hybrid OAuth") }
        return pad(["\(address):\(record.port)", record.status.rawValue, exchange, build, hybrid, notes.joined(separator: "; ")])
    }

    static func pad(_ cells: [String]) -> String {
        cells.enumerated().map { index, cell in
            index < widths.count ? cell.padding(toLength: max(widths[index], cell.count + 1), withPad: " ", startingAt: 0) : cell
        }.joined()
    }
}

/// A one-line progress bar on standard error, redrawn at most five times a second.
final class ProgressBar: Sendable {
    private let total: UInt64?
    private let enabled: Bool
    private let state = NIOLockedValueBox<(last: ContinuousClock.Instant?, started: ContinuousClock.Instant)>((nil, ContinuousClock.now))

    init(total: UInt64?, enabled: Bool) {
        self.total = total
        self.enabled = enabled
    }

    func update(_ counts: ResultSink.Counts) {
        guard enabled else { return }
        let now = ContinuousClock.now
        let started: ContinuousClock.Instant? = state.withLockedValue { state in
            if let last = state.last, now - last < .milliseconds(200) { return nil }
            state.last = now
            return state.started
        }
        guard let started else { return }
        let seconds = max(0.001, Double((now - started).components.seconds) + Double((now - started).components.attoseconds) / 1e18)
        let rate = Int(Double(counts.results) / seconds)
        var text = "\(counts.results)"
        if let total, total > 0 {
            let fraction = min(1, Double(counts.results) / Double(total))
            let filled = Int(fraction * 24)
            text = "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: 24 - filled) + "] \(counts.results)/\(total)"
        }
        text += " targets  \(rate)/s  Exchange \(counts.onPremises)  vulnerable to CVE-2025-53786 \(counts.hybridVulnerable)"
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    func finish() {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
