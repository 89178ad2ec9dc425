import ExScopeGeo
import ExScopeStore
import Foundation

/// A line of an import file that cannot be stored; the import of that file is rolled back.
struct ImportLineError: Error {
    var file: String
    var line: Int
    var reason: String
    var message: String { "\(file):\(line): \(reason); nothing of \(file) was imported" }
}

/// The rows of one JSON Lines file, decoded and located one at a time.
struct ImportFeed: ResultFeed {
    private let bytes: Data?
    private let mapped: MappedFile?
    private let file: String
    private let enricher: GeoEnricher
    private let decoder = ScanLineDecoder()
    private var offset: Int
    private(set) var lineNumber = 0
    private(set) var latestTimestamp: String?

    init(bytes: Data, file: String, enricher: GeoEnricher) {
        self.bytes = bytes
        mapped = nil
        self.file = file
        self.enricher = enricher
        offset = 0
    }

    /// A feed over a mapped file.
    init(mapped: MappedFile, file: String, enricher: GeoEnricher) {
        bytes = nil
        self.mapped = mapped
        self.file = file
        self.enricher = enricher
        offset = 0
    }

    private func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        if let mapped { return try body(mapped.bytes) }
        return try (bytes ?? Data()).withUnsafeBytes(body)
    }

    /// The first record's `scan` field and timestamp, read before the import starts.
    func peek() throws -> (scan: String?, timestamp: String?) {
        var feed = self
        guard let row = try feed.nextDecoded() else { return (nil, nil) }
        return (row.scan, row.row.observedAt)
    }

    /// The next non-blank line, decoded. The file's bytes are read through one pointer
    /// (no `Data` slices: they are slow per byte, and files beyond 2 GiB are common here).
    private mutating func nextDecoded() throws -> (row: ResultRow, scan: String?)? {
        let total = withBytes { $0.count }
        while offset < total {
            let start = offset
            let result: (row: ResultRow, scan: String?)?? = try withBytes { raw in
                guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
                let remaining = total - start
                let newline = memchr(base + start, 0x0A, remaining).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? total
                offset = min(total, newline + 1)
                lineNumber += 1
                let line = UnsafeBufferPointer(start: base + start, count: newline - start)
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .some(nil) }
                do {
                    return .some(try decoder.decode(bytes: line))
                } catch let error as StoreError {
                    throw ImportLineError(file: file, line: lineNumber, reason: error.message)
                }
            }
            switch result {
            case .none: return nil
            case .some(.none): continue
            case .some(.some(let decoded)): return decoded
            }
        }
        return nil
    }

    mutating func next() throws -> ResultRow? {
        guard var row = try nextDecoded()?.row else { return nil }
        do {
            try row.locate(with: enricher)
            if latestTimestamp.map({ row.observedAt > $0 }) ?? true { latestTimestamp = row.observedAt }
            return row
        } catch let error as GeoError {
            throw ImportLineError(file: file, line: lineNumber, reason: error.message)
        }
    }
}
