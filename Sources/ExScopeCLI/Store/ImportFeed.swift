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
        guard let first = try feed.nextLine() else { return (nil, nil) }
        do {
            let decoded = try feed.decoder.decode(first)
            return (decoded.scan, decoded.row.observedAt)
        } catch let error as StoreError {
            throw ImportLineError(file: file, line: feed.lineNumber, reason: error.message)
        }
    }

    private mutating func nextLine() throws -> Substring? {
        while offset < bytes.endIndex {
            let end = bytes[offset...].firstIndex(of: 0x0A) ?? bytes.endIndex
            let slice = bytes[offset..<end]
            offset = end < bytes.endIndex ? bytes.index(after: end) : end
            lineNumber += 1
            guard let text = String(data: slice, encoding: .utf8) else {
                throw ImportLineError(file: file, line: lineNumber, reason: "not UTF-8")
            }
            let line = Substring(text).trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty { continue }
            return Substring(line)
        }
        return nil
    }

    mutating func next() throws -> ResultRow? {
        guard let line = try nextLine() else { return nil }
        do {
            var row = try decoder.decode(line).row
            try row.locate(with: enricher)
            if latestTimestamp.map({ row.observedAt > $0 }) ?? true { latestTimestamp = row.observedAt }
            return row
        } catch let error as StoreError {
            throw ImportLineError(file: file, line: lineNumber, reason: error.message)
        } catch let error as GeoError {
            throw ImportLineError(file: file, line: lineNumber, reason: error.message)
        }
    }
}
