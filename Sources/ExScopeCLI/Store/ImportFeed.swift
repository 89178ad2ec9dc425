import ExScopeGeo
import ExScopeStore
import Foundation

/// The rows of one JSON Lines file, decoded and located on every core and handed to the store
/// in file order (so a target listed twice ends with its last line, as in a sequential import).
struct ImportFeed: ResultFeed {
    private let file: String
    private let lines: ParallelLines<(imported: ImportRow, scan: String?)>
    private(set) var latestTimestamp: String?
    /// Told every ``progressInterval`` rows and once after the last: the rows read, the fraction of the
    /// input's bytes they came from, and whether the input is finished (the store then writes its indexes).
    var onProgress: ((_ rows: Int, _ fraction: Double, _ finished: Bool) -> Void)?
    static let progressInterval = 4096
    private var rows = 0
    private var finished = false

    /// - Parameters:
    ///   - input: the file's bytes (mapped, or standard input copied).
    ///   - store: the store the rows go to; its ``ResultStore/prepareForImport(_:)`` runs on the decoding threads.
    ///     Nil to look at the file only (``peek()``).
    /// - Throws: ``ExScopeFailure`` (bad input) when the file is compressed.
    init(input: MappedFile, file: String, enricher: GeoEnricher, store: (any ResultStore)?) throws {
        self.file = file
        let text = try input.jsonLines(name: file, command: "exscope import", consequence: "; nothing of it was imported")
        let decoder = ScanLineDecoder()
        lines = ParallelLines(bytes: text, owner: input) { line in
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
            var decoded = try decoder.decode(bytes: line)
            try decoded.row.locate(with: enricher)
            return (store?.prepareForImport(decoded.row) ?? ImportRow(decoded.row), decoded.scan)
        }
    }

    /// The first record's `scan` field and timestamp, read before the import starts; nil when there is no record.
    func peek() throws -> (scan: String?, timestamp: String)? {
        try withLineErrors { try lines.first() }.map { ($0.scan, $0.imported.row.observedAt) }
    }

    mutating func next() throws -> ImportRow? {
        guard let next = try withLineErrors({ try lines.next()?.imported }) else {
            if !finished { onProgress?(rows, 1, true) }
            finished = true
            return nil
        }
        if latestTimestamp.map({ next.row.observedAt > $0 }) ?? true { latestTimestamp = next.row.observedAt }
        rows += 1
        if rows % Self.progressInterval == 0 { onProgress?(rows, Double(lines.consumedBytes) / Double(max(1, lines.byteCount)), false) }
        return next
    }

    private func withLineErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let failure as LineFailure {
            let reason = switch failure.error {
            case let error as StoreError: error.message
            case let error as GeoError: error.message
            default: "\(failure.error)"
            }
            // Bad input; the store's transaction rolls back as this passes through it.
            throw ExScopeFailure.badInput("\(file):\(failure.line): \(reason); nothing of \(file) was imported")
        }
    }
}
