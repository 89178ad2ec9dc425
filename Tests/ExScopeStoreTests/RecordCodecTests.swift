import ExScopeCore
@testable import ExScopeStore
import ExScopeTesting
import Foundation
import GRDB
import Testing

/// The SQLite store's compressed records: exact round trips, the dictionary's effect, damaged bytes,
/// and records stored as text by earlier versions.
@Suite struct RecordCodecTests {
    /// 500 records of the synthetic August 2025 table as the store keeps them (findings emptied by the
    /// decoder), made once for the suite: the generator writes the whole table.
    static let records: [String] = {
        let decoder = ScanLineDecoder()
        let lines = (try? ExposureTableGenerator.august2025().lines(catalog: Catalog.bundled())) ?? []
        return lines.prefix(500).compactMap { try? decoder.decode(Substring($0)).row.raw }
    }()

    static func storedRecords(_ count: Int) throws -> [String] {
        try #require(records.count == 500)
        return Array(records.prefix(count))
    }

    @Test func everyRecordComesBackByteForByte() throws {
        var records = try Self.storedRecords(300)
        records += ["", "{}", "{\"server\":\"Exchange-Ä-ö-ü\",\"name\":\"邮件服务器\",\"emoji\":\"📬\",\"escaped\":\"\\u0000\\n\\\"\"}",
                    String(repeating: "{\"header\":\"x-owa-version\"}", count: 40_000)]
        for record in records {
            let packed = RecordCodec.pack(record)
            #expect(packed.first == 1)
            #expect(try RecordCodec.unpack(packed) == record)
        }
    }

    @Test func theDictionaryTakesRecordsToAFractionOfTheirSize() throws {
        let records = try Self.storedRecords(500)
        let text = records.reduce(0) { $0 + $1.utf8.count }
        let packed = records.reduce(0) { $0 + RecordCodec.pack($1).count }
        // Without the dictionary zstd gets these to about a third; with it, to about a tenth.
        #expect(Double(packed) < 0.2 * Double(text), "\(packed) of \(text) bytes")
    }

    @Test func damagedOrForeignBytesAreAClearError() throws {
        let packed = RecordCodec.pack(try Self.storedRecords(1)[0])
        let cases: [([UInt8], String)] = [
            ([], "unknown encoding"),
            ([7] + packed.dropFirst(), "unknown encoding (first byte 7)"),
            (Array(packed.prefix(packed.count / 2)), "damaged"),
            ([1, 0x28, 0xB5, 0x2F, 0xFD], "damaged"),
        ]
        for (bytes, expected) in cases {
            #expect {
                try RecordCodec.unpack(bytes)
            } throws: { error in
                (error as? StoreError)?.message.contains(expected) == true
            }
        }
    }

    @Test func theStoreKeepsRecordsPackedAndStillReadsTextOnesWrittenBefore() async throws {
        let path = temporaryStorePath()
        defer { removeTemporaryStore(path) }
        let store = try SQLiteStore(path: path)
        let id = try await store.openScan(ScanInfo(name: "packed", startedAt: "2026-11-01T00:00:00Z"))
        var rows = [row("20.0.0.1", country: "US"), row("20.0.0.2", country: "US")]
        rows[0].raw = try Self.storedRecords(1)[0]
        try await store.record(rows, scan: id)
        try await store.close()

        // As an earlier version wrote it: the second record as text.
        let queue = try DatabaseQueue(path: path)
        let stored = try await queue.write { db -> [String] in
            try db.execute(sql: "UPDATE observation_raw SET raw = ? WHERE observation_id = 2", arguments: ["{\"ip\":\"20.0.0.2\",\"old\":true}"])
            return try String.fetchAll(db, sql: "SELECT typeof(raw) FROM observation_raw ORDER BY observation_id")
        }
        #expect(stored == ["blob", "text"])
        let sizes = try await queue.read { db in try Int.fetchOne(db, sql: "SELECT length(raw) FROM observation_raw WHERE observation_id = 1") }
        #expect((sizes ?? .max) < rows[0].raw.utf8.count / 4)
        try queue.close()

        let reopened = try SQLiteStore(path: path)
        #expect(try await reopened.host(id: 1)?.raw == rows[0].raw)
        #expect(try await reopened.host(id: 2)?.raw == "{\"ip\":\"20.0.0.2\",\"old\":true}")
        try await reopened.close()
    }
}
