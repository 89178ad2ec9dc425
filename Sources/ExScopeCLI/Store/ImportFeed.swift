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
    private let bytes: Data
    private let file: String
    private let enricher: GeoEnricher
    private let decoder = ScanLineDecoder()
    private var offset: Data.Index
    private(set) var lineNumber = 0
    private(set) var latestTimestamp: String?

    init(bytes: Data, file: String, enricher: GeoEnricher) {
        self.bytes = bytes
        self.file = file
        self.enricher = enricher
        offset = bytes.startIndex
    }

    /// The first record's `scan` field and timestamp, read before the import starts.
    static func peek(_ bytes: Data, file: String) throws -> (scan: String?, timestamp: String?) {
        var feed = ImportFeed(bytes: bytes, file: file, enricher: .none)
        guard let row = try feed.nextDecoded() else { return (nil, nil) }
        return (row.scan, row.row.observedAt)
    }

    /// The next non-blank line, decoded.
    private mutating func nextDecoded() throws -> (row: ResultRow, scan: String?)? {
        while offset < bytes.endIndex {
            let end = bytes[offset...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let range = offset..<end
            offset = end < bytes.endIndex ? bytes.index(after: end) : end
            lineNumber += 1
            let blank = bytes[range].allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if blank { continue }
            do {
                return try bytes[range].withUnsafeBytes { raw in
                    try decoder.decode(bytes: raw.bindMemory(to: UInt8.self))
                }
            } catch let error as StoreError {
                throw ImportLineError(file: file, line: lineNumber, reason: error.message)
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
