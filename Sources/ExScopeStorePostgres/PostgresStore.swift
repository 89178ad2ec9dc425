public import ExScopeCore
public import ExScopeStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// The result store on PostgreSQL: the same API and schema as ``ExScopeStore/SQLiteStore``,
/// for several writers at once (sharded scans, concurrent imports).
///
/// One store holds one connection; its methods are meant to be called one at a time (as the
/// commands do). Several processes may write one database at once.
public final class PostgresStore: ResultStore {
    private let connection: PostgresConnection
    private let logger: Logger
    public let displayName: String
    public var dialect: SQLDialect { .postgres }

    private init(connection: PostgresConnection, logger: Logger, displayName: String) {
        self.connection = connection
        self.logger = logger
        self.displayName = displayName
    }

    /// Connects to `postgres://user[:password]@host[:port]/database` and migrates the schema.
    /// - Throws: ``StoreError`` for a bad URL, a failed connection, or a database written by a newer ExScope.
    public static func connect(url: String) async throws -> PostgresStore {
        try await connect(url: url, migratingThrough: nil)
    }

    /// Connects and applies the migrations up to `last` only (tests make stores of earlier versions with it).
    package static func connect(url: String, migratingThrough last: String?) async throws -> PostgresStore {
        guard let (components, host) = address(url) else { throw StoreError(malformed(url)) }
        let database = String(components.path.drop(while: { $0 == "/" }))
        let configuration = PostgresConnection.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres", password: components.password,
            database: database.isEmpty ? nil : database, tls: .disable)
        let logger = Logger(label: "exscope.store.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        let name = redacted(url)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw StoreError("cannot connect to \(name): \(reason(error))")
        }
        let store = PostgresStore(connection: connection, logger: logger, displayName: name)
        do {
            try await store.migrate(through: last)
        } catch {
            try? await connection.close()
            throw error
        }
        return store
    }

    /// What went wrong, in a few words: the server's message (a failed login, a missing database), else
    /// the system's for the connection (`Connection refused`), else the error's code.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as PSQLError:
            if let message = error.serverInfo?[.message] { return message }
            return error.underlying.map(reason) ?? "\(error.code)"
        case let error as NIOConnectionError:
            return error.connectionErrors.first.map { reason($0.error) } ?? "no address for \(error.host)"
        case let error as IOError:
            return String(cString: strerror(error.errnoCode))
        default:
            return "\(error)".prefix(300).description
        }
    }

    /// Why `url` cannot name a database (not a URL, no host), or nil when it can.
    public static func problem(with url: String) -> String? {
        address(url) == nil ? malformed(url) : nil
    }

    private static func address(_ url: String) -> (components: URLComponents, host: String)? {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty,
              (1...65_535).contains(components.port ?? 5432) else { return nil }
        return (components, host)
    }

    private static func malformed(_ url: String) -> String {
        "'\(redacted(url))' is not a postgres://user@host:port/database URL"
    }

    /// The URL without its password.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "***"
        return components.string ?? "postgres://…"
    }

    private func migrate(through last: String?) async throws {
        try await transaction {
            // Concurrent first opens (shards, imports) take turns.
            _ = try await self.run(SQLQuery("SELECT pg_advisory_xact_lock(4578537301)"))
            _ = try await self.run(SQLQuery("CREATE TABLE IF NOT EXISTS exscope_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"))
            for statement in StoreSchema.renameStatements(table: "exscope_migrations", column: "name") { _ = try await self.run(SQLQuery(statement)) }
            let applied = try await self.run(SQLQuery("SELECT name FROM exscope_migrations")).compactMap { $0.text(0) }
            try StoreSchema.checkNotNewer(applied: applied, store: self.displayName)
            for migration in StoreSchema.migrations where !applied.contains(migration.name) {
                for statement in migration.statements(for: .postgres) { _ = try await self.run(SQLQuery(statement)) }
                _ = try await self.run(SQLQuery("INSERT INTO exscope_migrations (name, applied_at) VALUES (?, ?)",
                                                [.text(migration.name), .text(Date().formatted(.iso8601))]))
                if migration.name == last { break }
            }
        }
    }

    /// The names of the migrations applied to this database.
    public func appliedMigrations() async throws -> [String] {
        try await run(SQLQuery("SELECT name FROM exscope_migrations ORDER BY name")).compactMap { $0.text(0) }
    }

    public func rows(_ query: SQLQuery) async throws -> [SQLRow] {
        try await run(query)
    }

    public func openScan(_ scan: ScanInfo) async throws -> Int64 {
        guard let id = try await run(SQLQuery(StoreStatements.upsertScan, StoreStatements.scanArguments(scan))).first?.int(0) else {
            throw StoreError("cannot create scan \(scan.name)")
        }
        return Int64(id)
    }

    public func record(_ rows: [ResultRow], scan: Int64) async throws {
        try await transaction {
            var sets = VerdictSets()
            for start in stride(from: 0, to: rows.count, by: Self.batchSize) {
                try await self.insert(Array(rows[start..<min(rows.count, start + Self.batchSize)]), scan: scan, sets: &sets)
            }
        }
    }

    public func closeScan(_ scan: Int64, endedAt: String) async throws {
        _ = try await run(SQLQuery(StoreStatements.closeScan, [.text(endedAt), .text(endedAt), .int(scan)]))
    }

    public func importResults(scan: ScanInfo, feed: inout some ResultFeed) async throws -> ImportSummary {
        // The scan row is created in its own short transaction so concurrent importers of one
        // scan do not wait on each other's row lock.
        let id = try await openScan(scan)
        var count = 0
        try await run(SQLQuery("BEGIN"))
        do {
            var sets = VerdictSets()
            var batch: [ResultRow] = []
            batch.reserveCapacity(Self.batchSize)
            while let row = try feed.next()?.row {
                batch.append(row)
                count += 1
                if batch.count == Self.batchSize {
                    try await insert(batch, scan: id, sets: &sets)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            try await insert(batch, scan: id, sets: &sets)
            let end = feed.latestTimestamp ?? scan.endedAt ?? scan.startedAt
            _ = try await run(SQLQuery(StoreStatements.closeScan, [.text(end), .text(end), .int(id)]))
            try await run(SQLQuery("COMMIT"))
        } catch {
            _ = try? await run(SQLQuery("ROLLBACK"))
            throw error
        }
        return ImportSummary(scan: scan.name, rows: count)
    }

    public func reassess(scan: String?, catalog: Catalog, asOf: CalendarDate) async throws -> Int {
        try await transaction {
            let rows = try await self.run(StoreStatements.observationsToJudge(scan: scan))
            var sets = VerdictSets()
            var cache: [String: Int64] = [:]
            for row in rows {
                let build = row.text(2)
                let detected = row.int(3) == 1, online = row.int(4) == 1
                let key = "\(build ?? "")|\(detected)|\(online)"
                let set: Int64
                if let known = cache[key] {
                    set = known
                } else {
                    set = try await self.verdictSet(
                        VerdictRow.judge(build: build, detected: detected, exchangeOnline: online, catalog: catalog, asOf: asOf), in: &sets)
                    cache[key] = set
                }
                _ = try await self.run(SQLQuery(StoreStatements.upsertVerdict,
                                                StoreStatements.verdictArguments(set: set, observation: Int64(row.int(0) ?? 0), scan: Int64(row.int(1) ?? 0))))
            }
            return rows.count
        }
    }

    public func saveAssessment(_ assessment: StoredAssessment) async throws -> Int64 {
        guard let id = try await run(SQLQuery(StoreStatements.insertAssessment, StoreStatements.assessmentArguments(assessment))).first?.int(0) else {
            throw StoreError("cannot save the assessment")
        }
        return Int64(id)
    }

    public func deleteScan(named name: String) async throws -> Bool {
        let deleted = try await run(SQLQuery("DELETE FROM scan WHERE name = ? RETURNING id", [.text(name)]))
        return !deleted.isEmpty
    }

    public func close() async throws {
        try await connection.close()
    }

    // MARK: - Statements

    /// Rows per statement (23 parameters each, far below PostgreSQL's 65,535).
    static let batchSize = 500

    /// `INSERT … VALUES (…), (…) … rest`: one statement for many rows.
    static func multiRow(_ statement: String, rows: Int) -> String {
        guard let values = statement.range(of: "VALUES ("),
              let close = statement.range(of: ")", range: values.upperBound..<statement.endIndex) else { return statement }
        let tuple = String(statement[values.lowerBound..<close.upperBound].dropFirst("VALUES ".count))
        return String(statement[..<values.lowerBound]) + "VALUES " + Array(repeating: tuple, count: rows).joined(separator: ", ")
            + String(statement[close.upperBound...])
    }

    /// Observations, then verdicts, two statements per batch. Within a batch, the last result for a
    /// target wins (as one row after another would).
    private func insert(_ rows: [ResultRow], scan: Int64, sets: inout VerdictSets) async throws {
        guard !rows.isEmpty else { return }
        var latest: [String: Int] = [:]
        for (index, row) in rows.enumerated() { latest[row.targetKey] = index }
        let unique = rows.indices.filter { latest[rows[$0].targetKey] == $0 }.map { rows[$0] }
        let observations = Self.multiRow(StoreStatements.upsertObservationWithoutID, rows: unique.count) + "\nRETURNING id, target_key"
        let ids = try await run(SQLQuery(observations, unique.flatMap { StoreStatements.observationArguments($0, scan: scan) }))
        var idByKey: [String: Int64] = [:]
        for row in ids { if let key = row.text(1), let id = row.int(0) { idByKey[key] = Int64(id) } }
        var arguments: [SQLValue] = [], raws: [SQLValue] = []
        for row in unique {
            guard let id = idByKey[row.targetKey] else { throw StoreError("cannot store \(row.targetKey)") }
            arguments += StoreStatements.verdictArguments(set: try await verdictSet(row.verdict, in: &sets), observation: id, scan: scan)
            raws += [.int(id), .text(row.raw)]
        }
        _ = try await run(SQLQuery(Self.multiRow(StoreStatements.upsertVerdict, rows: unique.count), arguments))
        _ = try await run(SQLQuery(Self.multiRow(StoreStatements.upsertRaw, rows: unique.count), raws))
    }

    /// The id of the verdict's set, stored now if it is not yet.
    private func verdictSet(_ verdict: VerdictRow, in sets: inout VerdictSets) async throws -> Int64 {
        if let id = sets.recentID(of: verdict) { return id }
        let id = try await storedSet(verdict, in: &sets)
        sets.remember(verdict, id: id)
        return id
    }

    private func storedSet(_ verdict: VerdictRow, in sets: inout VerdictSets) async throws -> Int64 {
        let values = StoreStatements.verdictSetValues(verdict)
        if let id = sets.id(values) { return id }
        if let query = sets.query(for: values) {
            sets.add(try await run(query), for: values)
            if let id = sets.id(values) { return id }
        }
        guard let id = try await run(SQLQuery(StoreStatements.insertVerdictSet, values)).first?.int(0) else {
            throw StoreError("cannot store a verdict")
        }
        sets.add(values, id: Int64(id))
        return Int64(id)
    }

    private func transaction<T>(_ body: () async throws -> T) async throws -> T {
        try await run(SQLQuery("BEGIN"))
        do {
            let result = try await body()
            try await run(SQLQuery("COMMIT"))
            return result
        } catch {
            _ = try? await run(SQLQuery("ROLLBACK"))
            throw error
        }
    }

    @discardableResult
    private func run(_ query: SQLQuery) async throws -> [SQLRow] {
        var bindings = PostgresBindings(capacity: query.arguments.count)
        for value in query.arguments {
            switch value {
            case .null: bindings.appendNull()
            case .int(let number): bindings.append(number)
            case .double(let number): bindings.append(number)
            case .text(let text): bindings.append(text)
            }
        }
        let sql = SQLDialect.postgres.render(query.sql)
        do {
            let sequence = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            var rows: [SQLRow] = []
            for try await row in sequence {
                var values: [SQLValue] = []
                values.reserveCapacity(row.count)
                for cell in row {
                    values.append(try Self.value(cell))
                }
                rows.append(SQLRow(values))
            }
            return rows
        } catch let error as PSQLError {
            throw StoreError("store \(displayName): \(Self.reason(error))")
        }
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .int(try cell.decode(Int64.self))
        case .float4, .float8: return .double(try cell.decode(Double.self))
        case .bool: return .int(try cell.decode(Bool.self) ? 1 : 0)
        default: return .text(try cell.decode(String.self))
        }
    }
}
