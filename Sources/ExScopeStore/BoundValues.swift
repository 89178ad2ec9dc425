import GRDB
import GRDBSQLite

/// The values the SQLite writer binds for one result, laid out in one buffer: the observation's (all
/// but its scan, in ``StoreStatements/observationArguments(_:scan:)`` order) and then the packed record.
/// An import makes it on a decoding thread (``SQLiteStore/prepareForImport(_:)``) and the writer binds
/// the values in place, so SQLite neither allocates nor copies per value as it does for a value bound
/// as transient.
struct BoundValues: Sendable {
    /// Each value as a kind byte, then an integer's or a double's 8 bytes, or a text's or a blob's
    /// length (4 bytes) and bytes.
    private var bytes: [UInt8] = []

    private enum Kind: UInt8 { case null, int, double, text, blob }

    init(_ row: ResultRow) {
        let record = RecordCodec.pack(row.raw)
        bytes.reserveCapacity(512 + record.count)
        for value in StoreStatements.observationArguments(row, scan: 0).dropFirst() {
            switch value {
            case .null: bytes.append(Kind.null.rawValue)
            case .int(let number): append(.int, bits: UInt64(bitPattern: number))
            case .double(let number): append(.double, bits: number.bitPattern)
            case .text(var text): text.withUTF8 { append(.text, $0) }
            }
        }
        record.withUnsafeBufferPointer { append(.blob, $0) }
    }

    private mutating func append(_ kind: Kind, bits: UInt64) {
        bytes.append(kind.rawValue)
        withUnsafeBytes(of: bits.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func append(_ kind: Kind, _ content: UnsafeBufferPointer<UInt8>) {
        bytes.append(kind.rawValue)
        withUnsafeBytes(of: UInt32(content.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: content)
    }

    /// Binds the observation's values to `observation`'s parameters from the second on (the first is
    /// the scan's id) and the record to `record`'s second (the first is the result's id), then runs
    /// `body`, which must step and reset both: the bindings point into this buffer, which stays put
    /// only while `body` runs.
    func bind<Result>(observation: SQLiteStatement, record: SQLiteStatement, _ body: () throws -> Result) throws -> Result {
        try bytes.withUnsafeBytes { buffer -> Result in
            guard let base = buffer.baseAddress else { return try body() }
            var offset = 0
            var parameter: Int32 = 2
            while offset < buffer.count {
                let kind = Kind(rawValue: buffer[offset])
                offset += 1
                let code: Int32
                switch kind {
                case .int?, .double?:
                    let bits = UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
                    code = kind == .int
                        ? sqlite3_bind_int64(observation, parameter, Int64(bitPattern: bits))
                        : sqlite3_bind_double(observation, parameter, Double(bitPattern: bits))
                    offset += 8
                case .text?, .blob?:
                    let count = Int32(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                    offset += 4
                    let start = base + offset
                    code = kind == .text
                        ? sqlite3_bind_text(observation, parameter, start.assumingMemoryBound(to: CChar.self), count, nil)
                        : sqlite3_bind_blob(record, 2, start, count, nil)
                    offset += Int(count)
                case .null?, nil:
                    code = sqlite3_bind_null(observation, parameter)
                }
                if code != SQLITE_OK { throw DatabaseError(kind == .blob ? record : observation, code: code) }
                parameter += 1
            }
            return try body()
        }
    }
}

extension DatabaseError {
    /// SQLite's error for a call on `statement` that returned `code`.
    init(_ statement: SQLiteStatement, code: Int32) {
        self.init(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(statement))))
    }
}
