import ExScopeCore
import ExScopeProbes
import Foundation
import NIOConcurrencyHelpers

/// Writes scan results as they arrive, keeps counts, and maintains the checkpoint.
final class ScanSession {
    struct Counts {
        var results = 0
        var written = 0
        var byStatus: [ScanStatus: Int] = [:]
        var onPremises = 0
        var online = 0
        var hybridVulnerable = 0
        var hybridPatched = 0
        var hybridIndeterminate = 0
        var gateHits = 0
    }

    private let sink: ResultSink
    private let checkpointPath: String?
    private let fingerprint: String
    private let asOf: CalendarDate
    private let catalogDate: CalendarDate
    private(set) var counts = Counts()
    /// Targets taken from the sequence, including skipped ones (the checkpoint's position).
    private var position: UInt64
    private var inFlight: [Checkpoint.Target: Int] = [:]
    /// The resumed run's in-flight targets are replayed before the sequence: they do not advance the position.
    private var replaysLeft: Int
    private var lastCheckpoint = ContinuousClock.now

    init(sink: ResultSink, checkpointPath: String?, fingerprint: String, resumed: Checkpoint?,
         asOf: CalendarDate, catalogDate: CalendarDate) {
        self.sink = sink
        self.checkpointPath = checkpointPath
        self.fingerprint = fingerprint
        self.asOf = asOf
        self.catalogDate = catalogDate
        position = resumed?.position ?? 0
        replaysLeft = resumed?.inFlight.count ?? 0
    }

    /// `count` targets were taken from the sequence; `target` is the one that will be scanned, if any.
    func taken(_ count: Int, _ target: ScanTarget?) {
        var count = count
        if replaysLeft > 0 && count > 0 {
            let replayed = min(replaysLeft, count)
            replaysLeft -= replayed
            count -= replayed
        }
        position += UInt64(count)
        if let target, target.exclusion == nil { inFlight[Checkpoint.Target(target), default: 0] += 1 }
    }

    /// Counts one result and writes it unless its status is filtered out; returns the record if written,
    /// with its JSON line when the output is JSON Lines (the store keeps the same line).
    @discardableResult
    func finished(_ outcome: HostOutcome) throws -> (record: ScanRecord, json: [UInt8]?)? {
        let key = Checkpoint.Target(outcome.target)
        if let count = inFlight[key] {
            inFlight[key] = count > 1 ? count - 1 : nil
        }
        var written: (record: ScanRecord, json: [UInt8]?)?
        if sink.writes(outcome.status) {
            let record = ScanRecord(outcome, asOf: asOf, catalogDate: catalogDate)
            counts.add(record, failOn: sink.failOn)
            written = (record, try sink.write(record))
            counts.written += 1
        } else {
            // Most targets of a sweep refuse and are not written: count them without building a record.
            counts.results += 1
            counts.byStatus[outcome.status, default: 0] += 1
        }
        if ContinuousClock.now - lastCheckpoint > .seconds(1) { try saveCheckpoint() }
        return written
    }

    /// Writes the first checkpoint, so that a scan stopped before its first result can be resumed too.
    /// A resumed scan keeps the checkpoint it resumed from, still true: the output was cut back to it.
    func start() throws {
        if replaysLeft == 0 && position == 0 { try saveCheckpoint() }
    }

    /// Flushes the final checkpoint: removed after a complete scan, kept after an interruption.
    func complete(interrupted: Bool) throws {
        try sink.close()
        guard let checkpointPath else { return }
        if interrupted {
            try saveCheckpoint()
        } else {
            try? FileManager.default.removeItem(atPath: checkpointPath)
        }
    }

    private func saveCheckpoint() throws {
        lastCheckpoint = .now
        guard let checkpointPath else { return }
        try sink.flush()
        let checkpoint = Checkpoint(fingerprint: fingerprint, position: position, inFlight: Array(inFlight.keys),
                                    outputBytes: sink.bytesWritten)
        try checkpoint.save(to: checkpointPath)
    }
}

extension ScanSession.Counts {
    /// Counts one result; `failOn` is `--fail-on` (a finding id or `any`), if given.
    mutating func add(_ record: ScanRecord, failOn: String?) {
        results += 1
        byStatus[record.status, default: 0] += 1
        guard let exchange = record.exchange, exchange.detected else { return }
        if exchange.exchangeOnline {
            online += 1
            return
        }
        onPremises += 1
        switch record.finding("CVE-2025-53786") {
        case .vulnerable: hybridVulnerable += 1
        case .patched: hybridPatched += 1
        case .indeterminate: hybridIndeterminate += 1
        default: break
        }
        if let failOn {
            let hit = failOn.lowercased() == "any"
                ? record.findings.contains { $0.status == .vulnerable }
                : record.findings.contains { $0.id.caseInsensitiveCompare(failOn) == .orderedSame && $0.status == .vulnerable }
            if hit { gateHits += 1 }
        }
    }
}

/// The output file or standard output, one record a line.
final class ResultSink {
    private let handle: FileHandle
    private let ownsHandle: Bool
    private let format: ScanCommand.ScanFormat
    let failOn: String?
    private let allStatuses: Bool
    /// Encodes the records; the store sink shares it, so each build's findings are encoded once.
    let encoder = RecordEncoder()
    private var wroteHeader = false
    /// The output's length on disk, for the checkpoint (``flush()`` first).
    private(set) var bytesWritten: UInt64 = 0
    /// Lines not yet written: one write per line would cost a system call per result.
    private var pending = Data()
    private var lastFlush = ContinuousClock.now

    /// Statuses written without --all-statuses: the target answered.
    static let answered: Set<ScanStatus> = [.success, .tlsError, .ioTimeout, .protocolError, .limitExceeded]

    /// - Parameter truncateTo: on resume, the output length recorded in the checkpoint.
    init(path: String?, format: ScanCommand.ScanFormat, failOn: String?, allStatuses: Bool, truncateTo: UInt64?) throws {
        self.format = format
        self.failOn = failOn
        self.allStatuses = allStatuses
        if let path, path != "-" {
            // createFile replaces the path with a new regular file: never do that to a device such
            // as /dev/null (as root it would replace the device node for the whole machine).
            let attributes = try? FileManager.default.attributesOfItem(atPath: path)
            let isSpecial = attributes.map { ($0[.type] as? FileAttributeType) != .typeRegular } ?? false
            if truncateTo == nil && !isSpecial {
                guard FileManager.default.createFile(atPath: path, contents: nil) else {
                    throw ExScopeFailure.badInput("cannot write output file \(path)")
                }
            }
            guard let handle = FileHandle(forWritingAtPath: path) else {
                throw ExScopeFailure.badInput("cannot write output file \(path)")
            }
            if let truncateTo {
                // A checkpoint that counts more output than the file holds is not this file's: truncating
                // "up" to it would pad the results with zeros.
                let size = (attributes?[.size] as? NSNumber)?.uint64Value ?? 0
                guard truncateTo <= size else {
                    throw ExScopeFailure.badInput("--resume: the checkpoint counts \(truncateTo) bytes of results but \(path) has \(size); it is not this file's checkpoint")
                }
                // Drop whatever the killed run wrote after its last checkpoint (a partial line included).
                do {
                    try handle.truncate(atOffset: truncateTo)
                    try handle.seekToEnd()
                } catch {
                    throw ExScopeFailure.runFailure("cannot truncate \(path) for --resume: \(error)")
                }
                bytesWritten = truncateTo
                wroteHeader = truncateTo > 0
            }
            self.handle = handle
            ownsHandle = true
        } else {
            handle = .standardOutput
            ownsHandle = false
        }
    }

    /// Whether results with this status are written (all of them with --all-statuses).
    func writes(_ status: ScanStatus) -> Bool { allStatuses || Self.answered.contains(status) }

    /// Writes one record; returns its JSON line when the output is JSON Lines.
    func write(_ record: ScanRecord) throws -> [UInt8]? {
        switch format {
        case .jsonl:
            let line = try encoder.encode(record)
            try emit(line)
            return line
        case .table:
            if !wroteHeader {
                try emit(ScanTable.header)
                wroteHeader = true
            }
            try emit(ScanTable.row(record))
            return nil
        }
    }

    private func emit(_ line: String) throws { try emit(Array(line.utf8)) }

    private func emit(_ line: [UInt8]) throws {
        pending.append(contentsOf: line)
        pending.append(UInt8(ascii: "\n"))
        // Results still reach a reader within a fraction of a second.
        if pending.count >= 64 * 1024 || ContinuousClock.now - lastFlush >= .milliseconds(200) { try flush() }
    }

    /// Writes every pending line.
    func flush() throws {
        lastFlush = .now
        guard !pending.isEmpty else { return }
        do {
            try handle.write(contentsOf: pending)
        } catch {
            throw ExScopeFailure.runFailure("cannot write results: \(CatalogOptions.describe(error))")
        }
        bytesWritten += UInt64(pending.count)
        pending.removeAll(keepingCapacity: true)
    }

    func close() throws {
        try flush()
        if ownsHandle { try? handle.synchronize(); try? handle.close() }
    }
}

/// Encodes records as JSON lines. A build's findings (most of a record's bytes) are the same
/// for every host that runs it, so each distinct list is encoded once and reused.
final class RecordEncoder {
    private let encoder: JSONEncoder
    private var findings: [[Finding]: [UInt8]] = [:]

    init() {
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    func encode(_ record: ScanRecord) throws -> [UInt8] {
        record.jsonLine(findings: try encoded(record.findings))
    }

    private func encoded(_ list: [Finding]) throws -> [UInt8] {
        if let known = findings[list] { return known }
        let bytes = Array(try encoder.encode(list))
        // Bounded: hostile hosts can claim any number of builds.
        if findings.count >= 4096 { findings.removeAll() }
        findings[list] = bytes
        return bytes
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

/// Progress on standard error: a redrawn bar on a terminal, a plain line every ten
/// seconds otherwise, or nothing.
final class ProgressReporter {
    enum Mode { case bar, lines, off }

    private let total: UInt64?
    private let mode: Mode
    private let started = ContinuousClock.now
    private var last: ContinuousClock.Instant?

    /// - Parameter total: how many targets a scan has, when known (a bar needs it); nil for other work,
    ///   which gives its fraction with each update.
    init(total: UInt64?, mode: Mode) {
        self.total = total
        self.mode = mode
    }

    /// A scan's progress: its results (of `total`), their statuses, and what was found.
    func update(_ counts: ScanSession.Counts) {
        draw { self.line(counts, now: $0) }
    }

    /// Other long work: `done` items (`unit`), `fraction` of the work, and `detail`; `force` draws even
    /// when the last line is recent (for a change of phase).
    func update(done: Int, unit: String, fraction: Double, detail: String = "", force: Bool = false) {
        draw(force: force) { self.line(done: done, shown: "\(Int(fraction * 100)) %, \(done) \(unit)", fraction: fraction, detail: detail, now: $0) }
    }

    func line(_ counts: ScanSession.Counts, now: ContinuousClock.Instant) -> String {
        let statuses = counts.byStatus.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        let detail = "\(statuses)  Exchange \(counts.onPremises)  vulnerable \(counts.hybridVulnerable)"
        guard let total, total > 0 else { return line(done: counts.results, shown: "\(counts.results)", fraction: nil, detail: detail, now: now) }
        return line(done: counts.results, shown: "\(counts.results)/\(total)", fraction: Double(counts.results) / Double(total), detail: detail, now: now)
    }

    /// `[====      ] SHOWN ETA 1m05s  RATE/s  DETAIL`; without a fraction, `SHOWN  RATE/s  DETAIL`.
    private func line(done: Int, shown: String, fraction: Double?, detail: String, now: ContinuousClock.Instant) -> String {
        let elapsed = now - started
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        var text = shown
        if let fraction {
            let fraction = min(1, max(0, fraction))
            let filled = Int(fraction * 20)
            let eta = fraction > 0 ? Int(seconds * (1 - fraction) / fraction) : 0
            text = "[" + String(repeating: "=", count: filled) + String(repeating: " ", count: 20 - filled) + "] \(shown) ETA \(eta / 60)m\(eta % 60)s"
        }
        return text + "  \(Int(Double(done) / seconds))/s" + (detail.isEmpty ? "" : "  " + detail)
    }

    private func draw(force: Bool = false, _ text: (ContinuousClock.Instant) -> String) {
        guard mode != .off else { return }
        let now = ContinuousClock.now
        if !force, let last, now - last < (mode == .bar ? .milliseconds(200) : .seconds(10)) { return }
        last = now
        let line = text(now)
        Terminal.progress(mode == .bar ? "\r\u{1B}[K" + line : "progress: " + line + "\n")
    }

    /// Clears the bar, if one is drawn.
    func finish() {
        if mode == .bar, last != nil { Terminal.progress("\r\u{1B}[K") }
        last = nil
    }
}

/// Runs a handler when a signal arrives, instead of the default action.
final class SignalWatcher {
    private let source: any DispatchSourceSignal

    init(signal number: Int32, handler: @escaping @Sendable () -> Void) {
        signal(number, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
    }

    func cancel() {
        source.cancel()
    }
}
