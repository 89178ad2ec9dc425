public import ExScopeCore
import Foundation
import GRDB
import GRDBSQLite

/// The result store in one SQLite file (GRDB), or in memory for tests.
public final class SQLiteStore: ResultStore {
    private let writer: any DatabaseWriter
    public let displayName: String
    public var dialect: SQLDialect { .sqlite }

    /// Opens (creating if needed) and migrates the store.
    /// - Parameter path: a file path, or nil for a private in-memory store.
    /// - Throws: ``StoreError`` when the file cannot be opened, is not an ExScope store, or was
    ///   written by a newer ExScope.
    public init(path: String?) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Several processes (shards, imports) may write one file; they wait for each other.
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // The page size of a store created now (an existing store keeps its own). GRDB runs this before it
            // turns on the write-ahead log, after which SQLite could no longer change it.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)") }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Sorts, DISTINCT counts and IN lists over a million results stay in memory instead of temporary files.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Reports read a million results through the mapping instead of copying every page
            // (readers only: the writer's pages mostly live in the WAL, which is never mapped).
            if db.configuration.readonly { try db.execute(sql: "PRAGMA mmap_size = \(1 << 31 - 1)") }
        }
        displayName = path ?? ":memory:"
        var applied: [String] = []
        do {
            if let path {
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                    if isDirectory.boolValue {
                        throw StoreError("store \(path) is a directory; --store takes a SQLite file or a postgres:// URL", isBadInput: true)
                    }
                    // An existing file is read read-only first: the pool below would switch any SQLite file it
                    // opens to a write-ahead log, and one that is not an ExScope store must be refused untouched.
                    var readOnly = Configuration()
                    readOnly.readonly = true
                    let probe = try DatabaseQueue(path: path, configuration: readOnly)
                    defer { try? probe.close() }
                    applied = try probe.read { db in try Self.recordedMigrations(db, store: path) }
                }
                let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                writer = try DatabasePool(path: path, configuration: configuration)
            } else {
                writer = try DatabaseQueue(configuration: configuration)
            }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw Self.openFailure(displayName, error)
        } catch {
            throw StoreError("cannot open store \(displayName): \(error.localizedDescription)")
        }
        try migrate(applied: applied)
    }

    /// The migrator with every named migration of ``StoreSchema``.
    static func migrator(upTo last: String? = nil) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in StoreSchema.migrations {
            migrator.registerMigration(migration.name) { db in
                for statement in migration.statements(for: .sqlite) { try db.execute(sql: SQLDialect.sqlite.render(statement)) }
            }
            if migration.name == last { break }
        }
        return migrator
    }

    /// Brings the store up to date.
    /// - Parameter applied: the migrations the file recorded when it was opened (none for a new store). Another
    ///   process may have migrated it since: the migrator reads them again in its own transaction.
    private func migrate(applied: [String]) throws {
        let migrator = Self.migrator()
        var applied = applied
        do {
            // Only a store that has a former name is written to here: an UPDATE takes the write lock
            // even when it matches nothing, and opening must not wait for an import in another process.
            if applied.contains(where: { StoreSchema.formerNames[$0] != nil }) {
                try writer.write { db in
                    for statement in StoreSchema.renameStatements(table: "grdb_migrations", column: "identifier") { try db.execute(sql: statement) }
                }
                applied = applied.map { StoreSchema.formerNames[$0] ?? $0 }
            }
            try StoreSchema.checkNotNewer(applied: applied, store: displayName)
            if !StoreSchema.knownNames.isSubset(of: applied) { try migrator.migrate(writer) }
        } catch let error as StoreError {
            throw error
        } catch let error as DatabaseError {
            throw Self.openFailure(displayName, error)
        }
    }

    /// The names of the migrations recorded in the database (none in a new one).
    /// - Throws: ``StoreError`` (bad input) for a database with tables but no migration record: not an ExScope store.
    private static func recordedMigrations(_ db: Database, store: String) throws -> [String] {
        guard try db.tableExists("grdb_migrations") else {
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if !tables.isEmpty { throw StoreError("\(store) is a SQLite database but not an ExScope store", isBadInput: true) }
            return []
        }
        return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
    }

    /// Why the store cannot be opened: bad input when the file is not a SQLite database at all.
    private static func openFailure(_ name: String, _ error: DatabaseError) -> StoreError {
        if error.resultCode == .SQLITE_NOTADB {
            return StoreError("\(name) is not a SQLite database; --store takes an ExScope store or a postgres:// URL", isBadInput: true)
        }
        // A damaged file (cut short by a full disk or a copy) is the input's fault, as a foreign file is.
        if error.resultCode == .SQLITE_CORRUPT {
            return StoreError("\(name) is a damaged SQLite database (\(error.message ?? "malformed")); restore it from a copy", isBadInput: true)
        }
        return StoreError("cannot open store \(name): \(error.message ?? "\(error)")")
    }

    /// The names of the migrations applied to this store.
    public func appliedMigrations() throws -> [String] {
        try writer.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") }
    }

    public func rows(_ query: SQLQuery) async throws -> [SQLRow] {
        try wrap {
            try writer.read { db in
                try Row.fetchAll(db, sql: query.sql, arguments: Self.arguments(query.arguments)).map(Self.row)
            }
        }
    }

    public func forEachRow(_ query: SQLQuery, _ body: (SQLRow) throws -> Void) async throws {
        try wrap {
            try writer.read { db in
                let cursor = try Row.fetchCursor(db, sql: query.sql, arguments: Self.arguments(query.arguments))
                while let row = try cursor.next() { try body(Self.row(row)) }
            }
        }
    }

    public func openScan(_ scan: ScanInfo) async throws -> Int64 {
        try wrap {
            try writer.write { db in try Self.openScan(scan, db) }
        }
    }

    public func record(_ rows: [ResultRow], scan: Int64) async throws {
        try wrap {
            try writer.write { db in
                var inserter = try Inserter(db)
                for row in rows { try inserter.insert(row, scan: scan) }
            }
        }
    }

    public func closeScan(_ scan: Int64, endedAt: String) async throws {
        try wrap {
            try writer.write { db in
                try db.execute(sql: StoreStatements.closeScan, arguments: [endedAt, endedAt, scan])
            }
        }
    }

    public func importResults(scan: ScanInfo, feed: inout some ResultFeed) async throws -> ImportSummary {
        var count = 0
        try wrap {
            try writer.writeWithoutTransaction { db in
                try Self.load(db) { uniqueTargets in
                    let id = try Self.openScan(scan, db)
                    var inserter = try Inserter(db, uniqueTargets: uniqueTargets)
                    while let next = try feed.next() {
                        try inserter.insert(next.row, bound: next.bound, scan: id)
                        count += 1
                    }
                    let end = feed.latestTimestamp ?? scan.endedAt ?? scan.startedAt
                    try db.execute(sql: StoreStatements.closeScan, arguments: [end, end, id])
                }
            }
        }
        return ImportSummary(scan: scan.name, rows: count)
    }

    /// What SQLite alone needs to load the results an import writes, for the store benchmark: copies
    /// every scan, result and verdict of the SQLite store at `source` into this store, which must be empty,
    /// through the import's own transaction, settings and index rebuild, with SQL statements only (no
    /// decoding, no Swift per row). An import of the same rows cannot take less time than this.
    /// - Returns: the number of results copied, and how long the inserts, the index rebuild and the commit took.
    public func copyResults(from source: String) async throws -> (results: Int, phases: [(name: String, time: Duration)]) {
        try wrap {
            try writer.writeWithoutTransaction { db in
                guard try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM observation)") == true else {
                    throw StoreError("store \(displayName) is not empty")
                }
                try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
                defer { try? db.execute(sql: "DETACH DATABASE source") }
                let clock = ContinuousClock()
                var starts: [(name: String, at: ContinuousClock.Instant)] = [("insert", clock.now)]
                try Self.load(db, phase: { starts.append(($0, clock.now)) }) { _ in
                    // `WHERE` keeps SQLite from copying the tables page by page (its transfer optimisation):
                    // rows go in one at a time, as an import's do.
                    for table in ["scan", "verdict_set", "observation", "observation_raw", "observation_verdict"] {
                        try db.execute(sql: "INSERT INTO main.\(table) SELECT * FROM source.\(table) WHERE true")
                    }
                }
                starts.append(("end", clock.now))
                let phases = zip(starts, starts.dropFirst()).map { (name: $0.name, time: $1.at - $0.at) }
                return (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM observation") ?? 0, phases)
            }
        }
    }

    /// Runs `insert` in one transaction set up for a bulk load: a large page cache, and, when the
    /// store holds no results yet, the result tables' indexes dropped first and rebuilt after the
    /// rows are in, by SQLite's external sorter on every core. Each setting is the load's only: the
    /// connection gets its own back afterwards. An error thrown rolls everything back.
    /// - Parameters:
    ///   - phase: told `"index"` before the rebuild (when there is one) and `"commit"` before the commit.
    ///   - insert: told whether the store keeps a scan's targets unique while it inserts. When not (the
    ///     index that does is dropped), a target written twice is two rows until the rebuild, which keeps the later.
    private static func load(_ db: Database, phase: (String) -> Void = { _ in }, insert: (_ uniqueTargets: Bool) throws -> Void) throws {
        // Room for every index page the load touches (SQLite allocates it as needed): with the
        // default 2 MB cache, random index inserts spill pages and read them back.
        let restoreCache = try set("cache_size", to: "-\(importCacheKiB)", db)
        defer { restoreCache() }
        // The indexes dropped below are rebuilt by SQLite's external sorter: it sorts runs of
        // `sortRunKiB` on worker threads and merges them. With temporary storage in memory it
        // would sort each index as one list on this thread instead (about twice as long).
        let restoreThreads = try set("threads", to: "\(ProcessInfo.processInfo.activeProcessorCount)", db)
        defer { restoreThreads() }
        let restoreTemporaryStorage = try set("temp_store", to: "FILE", db)
        defer { restoreTemporaryStorage() }
        // Every row written refers to the scan, a result or a verdict set written or read in this transaction:
        // checking each reference (three lookups per result) finds nothing. Nothing is deleted here,
        // so no cascade is skipped. (The pragma is a no-op inside a transaction, hence here.)
        let restoreForeignKeys = try set("foreign_keys", to: "OFF", db)
        defer { restoreForeignKeys() }
        try db.inTransaction(.immediate) {
            let deferred = try dropIndexesOfEmptyStore(db)
            try insert(!deferred.contains { $0.name == targetIndex })
            if !deferred.isEmpty {
                phase("index")
                // The sorter's run is the page cache's size. The pages the load dirtied go to the
                // write-ahead log as the cache makes room, as the commit would write them anyway.
                try db.execute(sql: "PRAGMA cache_size = -\(sortRunKiB)")
                for index in deferred { try build(index, db) }
            }
            phase("commit")
            return .commit
        }
        // The WAL the load passed through is emptied by close(), as after every write.
    }

    /// Compresses the record and lays out the values the writer binds (``BoundValues``).
    public func prepareForImport(_ row: ResultRow) -> ImportRow {
        ImportRow(row, bound: BoundValues(row))
    }

    /// When the store holds no results yet, drops the indexes of the result tables (all but the
    /// primary keys) and returns the names and statements that rebuild them. Building an index once,
    /// sorted, after the load costs much less than updating it row by row; both happen in the
    /// import's transaction, so a failed import leaves the indexes as they were.
    private static func dropIndexesOfEmptyStore(_ db: Database) throws -> [(name: String, sql: String)] {
        guard try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM observation)") == true else { return [] }
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('observation', 'observation_verdict') AND sql IS NOT NULL
            """).map { (name: $0["name"] as String, sql: $0["sql"] as String) }
        for index in indexes { try db.execute(sql: "DROP INDEX \"\(index.name)\"") }
        return indexes
    }

    /// Builds a dropped index again. The unique target index fails when the input wrote a target twice
    /// (rare): the load then keeps the later row, as an upsert would have, and builds it again.
    private static func build(_ index: (name: String, sql: String), _ db: Database) throws {
        do {
            try db.execute(sql: index.sql)
        } catch let error as DatabaseError where index.name == targetIndex && error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            for statement in keepLastRowOfEachTarget { try db.execute(sql: statement) }
            try db.execute(sql: index.sql)
        }
    }

    /// The index that keeps one result per target and scan (`v7-observation-target-index`).
    static let targetIndex = "observation_target"

    /// Deletes every result of a target but its scan's last (the highest id), with its record and verdict
    /// link: what upserts leave, for a load that inserted without them. (Foreign keys are off during a load.)
    private static let keepLastRowOfEachTarget = [
        """
        CREATE TEMP TABLE replaced_result AS SELECT id FROM
            (SELECT id, ROW_NUMBER() OVER (PARTITION BY scan_id, target_key ORDER BY id DESC) AS newer FROM observation) WHERE newer > 1
        """,
        "DELETE FROM observation_raw WHERE observation_id IN (SELECT id FROM temp.replaced_result)",
        "DELETE FROM observation_verdict WHERE observation_id IN (SELECT id FROM temp.replaced_result)",
        "DELETE FROM observation WHERE id IN (SELECT id FROM temp.replaced_result)",
        "DROP TABLE temp.replaced_result",
    ]

    /// Sets the connection's pragma `name` (one with a number for its value) to `value` and returns
    /// what sets it back to the value it had.
    private static func set(_ name: String, to value: String, _ db: Database) throws -> () -> Void {
        guard let before = try Int64.fetchOne(db, sql: "PRAGMA \(name)") else { throw StoreError("SQLite has no setting \(name)") }
        try db.execute(sql: "PRAGMA \(name) = \(value)")
        return { try? db.execute(sql: "PRAGMA \(name) = \(before)") }
    }

    /// The page size of new stores, in bytes. With 16 KiB instead of SQLite's 4 KiB, an import of a million
    /// results into an empty store commits in about 1.0 s instead of 1.7 s (the write-ahead log gets the same
    /// bytes in a quarter as many frames, and SQLite makes two write calls per frame), and the reports read as fast (by hand, docs/store.md).
    static let pageSize = 16_384

    /// The page cache of an import, in KiB (1 GiB).
    static let importCacheKiB = 1 << 20

    /// The sorter's run while indexes are rebuilt, in KiB. Rebuilding the eight indexes over a million
    /// results took 5.4 s with 4 MiB runs on two worker threads, 6.1–6.2 s with 16 MiB, 9.0 s with 64 MiB,
    /// and 9.8–10.4 s as one list in memory (by hand, `sqlite3` shell, a copy of the benchmark's store; docs/store.md).
    static let sortRunKiB = 4096

    public func reassess(scan: String?, catalog: Catalog, asOf: CalendarDate) async throws -> Int {
        try wrap {
            try writer.write { db in
                let query = StoreStatements.observationsToJudge(scan: scan)
                let rows = try Row.fetchAll(db, sql: query.sql, arguments: Self.arguments(query.arguments))
                var inserter = try Inserter(db)
                var cache: [String: Int64] = [:]
                for row in rows {
                    let id: Int64 = row[0], scanID: Int64 = row[1]
                    let build: String? = row[2]
                    let detected: Bool = row[3], online: Bool = row[4]
                    let key = "\(build ?? "")|\(detected)|\(online)"
                    let set = try cache[key] ?? inserter.verdictSet(
                        VerdictRow.judge(build: build, detected: detected, exchangeOnline: online, catalog: catalog, asOf: asOf))
                    cache[key] = set
                    try inserter.link(observation: id, scan: scanID, set: set)
                }
                return rows.count
            }
        }
    }

    public func saveAssessment(_ assessment: StoredAssessment) async throws -> Int64 {
        try wrap {
            try writer.write { db in
                guard let id = try Int64.fetchOne(db, sql: StoreStatements.insertAssessment,
                                                  arguments: Self.arguments(StoreStatements.assessmentArguments(assessment))) else {
                    throw StoreError("cannot save the assessment")
                }
                return id
            }
        }
    }

    public func deleteScan(named name: String) async throws -> Bool {
        try wrap {
            try writer.write { db in
                try db.execute(sql: "DELETE FROM scan WHERE name = ?", arguments: [name])
                return db.changesCount > 0
            }
        }
    }

    public func close() async throws {
        guard let pool = writer as? DatabasePool else { return }
        // Copy the write-ahead log into the database and empty it, so that the next process to open the store
        // does not replay and search a log as large as everything written (an import writes one transaction of
        // gigabytes). Best effort: another process may be reading the store.
        try? await pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try pool.close()
    }

    // MARK: - Statements

    private static func openScan(_ scan: ScanInfo, _ db: Database) throws -> Int64 {
        guard let id = try Int64.fetchOne(db, sql: StoreStatements.upsertScan, arguments: arguments(StoreStatements.scanArguments(scan))) else {
            throw StoreError("cannot create scan \(scan.name)")
        }
        return id
    }

    /// The statements that write one result, looked up once for many rows, and the verdict sets of
    /// the store. Values are bound with SQLite's own calls on the prepared statements: no argument
    /// objects per row.
    private struct Inserter {
        let connection: OpaquePointer?
        let observation: SQLiteStatement
        let observationID: SQLiteStatement
        let raw: SQLiteStatement
        let verdict: SQLiteStatement
        let verdictSet: SQLiteStatement
        let database: Database
        var sets = VerdictSets()

        /// - Parameter uniqueTargets: whether the store keeps one row per target as rows are written (see ``load(_:phase:insert:)``):
        ///   then a target's row is updated in place, else a new row is inserted.
        init(_ db: Database, uniqueTargets: Bool = true) throws {
            observation = try db.cachedStatement(sql: uniqueTargets ? StoreStatements.upsertObservationWithoutID : StoreStatements.insertObservation)
                .sqliteStatement
            observationID = try db.cachedStatement(sql: StoreStatements.observationID).sqliteStatement
            raw = try db.cachedStatement(sql: StoreStatements.upsertRaw).sqliteStatement
            verdict = try db.cachedStatement(sql: StoreStatements.upsertVerdict).sqliteStatement
            verdictSet = try db.cachedStatement(sql: StoreStatements.insertVerdictSet).sqliteStatement
            connection = sqlite3_db_handle(observation)
            database = db
        }

        /// - Parameter bound: the row's values, when they were laid out ahead (``SQLiteStore/prepareForImport(_:)``).
        mutating func insert(_ row: ResultRow, bound: BoundValues? = nil, scan: Int64) throws {
            // A new row sets the last insert rowid; an update of the target's existing row does not.
            sqlite3_set_last_insert_rowid(connection, 0)
            let id = try (bound ?? BoundValues(row)).bind(observation: observation, record: raw) {
                // The values are bound but for the scan's and the result's ids, the first parameters.
                try Self.run(observation, [.int(scan)])
                var id = sqlite3_last_insert_rowid(connection)
                if id == 0 { id = try Self.run(observationID, [.int(scan), .text(row.targetKey)]) }
                try Self.run(raw, [.int(id)])
                return id
            }
            try link(observation: id, scan: scan, set: try verdictSet(row.verdict))
        }

        /// The id of the verdict's set, stored now if it is not yet.
        mutating func verdictSet(_ verdict: VerdictRow) throws -> Int64 {
            if let id = sets.recentID(of: verdict) { return id }
            let id = try storedSet(verdict)
            sets.remember(verdict, id: id)
            return id
        }

        private mutating func storedSet(_ verdict: VerdictRow) throws -> Int64 {
            let values = StoreStatements.verdictSetValues(verdict)
            if let id = sets.id(values) { return id }
            if let query = sets.query(for: values) {
                sets.add(try Row.fetchAll(database, sql: query.sql, arguments: SQLiteStore.arguments(query.arguments)).map(SQLiteStore.row), for: values)
                if let id = sets.id(values) { return id }
            }
            let id = try Self.run(verdictSet, values)
            sets.add(values, id: id)
            return id
        }

        func link(observation: Int64, scan: Int64, set: Int64) throws {
            try Self.run(verdict, StoreStatements.verdictArguments(set: set, observation: observation, scan: scan))
        }

        /// Binds `values` to the first parameters, runs the statement and returns the first column of its row (0 without one).
        @discardableResult
        private static func run(_ statement: SQLiteStatement, _ values: [SQLValue]) throws -> Int64 {
            defer { sqlite3_reset(statement) }
            for (index, value) in zip(Int32(1)..., values) {
                let code: Int32 = switch value {
                case .null: sqlite3_bind_null(statement, index)
                case .int(let number): sqlite3_bind_int64(statement, index, number)
                case .double(let number): sqlite3_bind_double(statement, index, number)
                case .text(var text): text.withUTF8 { sqlite3_bind_text(statement, index, $0.baseAddress, Int32($0.count), transient) }
                }
                if code != SQLITE_OK { throw DatabaseError(statement, code: code) }
            }
            let code = sqlite3_step(statement)
            switch code {
            case SQLITE_ROW: return sqlite3_column_int64(statement, 0)
            case SQLITE_DONE: return 0
            default: throw DatabaseError(statement, code: code)
            }
        }

        /// Tells SQLite to copy bound text (the Swift string may move after the call).
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
    }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: nil
            case .int(let number): number
            case .double(let number): number
            case .text(let text): text
            }
        })
    }

    /// A row as the store's API gives it. The only blobs stored are packed records (``RecordCodec``): they read as their text.
    static func row(_ row: Row) throws -> SQLRow {
        SQLRow(try (0..<row.count).map { index in
            let value: DatabaseValue = row[index]
            switch value.storage {
            case .null: return .null
            case .int64(let number): return .int(number)
            case .double(let number): return .double(number)
            case .string(let text): return .text(text)
            case .blob(let data): return .text(try RecordCodec.unpack(Array(data)))
            }
        })
    }

    private func wrap<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError("store \(displayName): \(error.message ?? "\(error)")")
        }
    }
}
