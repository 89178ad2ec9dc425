public import ExScopeCore
import Foundation

/// A named scan: shards of one scan share the name and so the row.
public struct ScanInfo: Sendable, Hashable, Codable {
    public var name: String
    /// RFC 3339.
    public var startedAt: String
    public var endedAt: String?
    /// The targets as given (or the file imported).
    public var targets: String
    /// Options that shaped the results, e.g. ports, shard, seed; `synthetic: true` for generated data.
    public var options: [String: String]
    /// `scan` (written live), `import` or `synthetic`.
    public var source: String
    /// The enrichment sources used, as ``ExScopeGeo/GeoEnricher/sourceDescription`` says.
    public var enrichment: String
    public var catalogDate: String?

    public init(name: String, startedAt: String, endedAt: String? = nil, targets: String = "", options: [String: String] = [:],
                source: String = "scan", enrichment: String = "", catalogDate: String? = nil) {
        self.name = name
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.targets = targets
        self.options = options
        self.source = source
        self.enrichment = enrichment
        self.catalogDate = catalogDate
    }
}

/// A source of rows for an import; throwing stops the import and rolls it back.
public protocol ResultFeed {
    /// The next row, or nil at the end.
    mutating func next() throws -> ImportRow?
    /// The latest result timestamp seen so far: the scan's end after an import.
    var latestTimestamp: String? { get }
}

extension ResultFeed {
    public var latestTimestamp: String? { nil }
}

/// A row for an import, with what the store made of it ahead of its writer (``ResultStore/prepareForImport(_:)``).
public struct ImportRow: Sendable {
    public let row: ResultRow
    /// The SQLite writer's values of the row; nil: the writer makes them.
    let bound: BoundValues?

    /// A row as it is: the store's writer does all of the writing.
    public init(_ row: ResultRow) {
        self.init(row, bound: nil)
    }

    init(_ row: ResultRow, bound: BoundValues?) {
        self.row = row
        self.bound = bound
    }
}

/// What an import did.
public struct ImportSummary: Sendable, Hashable {
    public var scan: String
    public var rows: Int

    public init(scan: String, rows: Int) {
        self.scan = scan
        self.rows = rows
    }
}

/// The result store: scans, raw observations, verdicts, and the queries reports and the
/// dashboard need. SQLite (``SQLiteStore``) and PostgreSQL implement it.
public protocol ResultStore: SQLReader {
    /// Where the store is, for messages (never with a password).
    var displayName: String { get }

    /// Creates the scan, or joins it when the name exists (shards, re-imports): the start is the
    /// earliest given, and options and targets are kept from the first writer.
    /// - Returns: the scan's id.
    func openScan(_ scan: ScanInfo) async throws -> Int64

    /// Writes results of an open scan, replacing earlier results for the same targets.
    func record(_ rows: [ResultRow], scan: Int64) async throws

    /// Marks the scan ended (the latest end of all its writers wins).
    func closeScan(_ scan: Int64, endedAt: String) async throws

    /// Imports every row of `feed` into the scan in one transaction: all rows or none.
    func importResults(scan: ScanInfo, feed: inout some ResultFeed) async throws -> ImportSummary

    /// Does the part of writing a row that needs no database, for a feed to call on its decoding
    /// threads so that the writer does less (SQLite compresses the record and lays out the values it
    /// binds here). Safe from any thread.
    func prepareForImport(_ row: ResultRow) -> ImportRow

    /// Recomputes every verdict (of one scan, or all) from the stored observations.
    /// - Returns: the number of observations judged.
    func reassess(scan: String?, catalog: Catalog, asOf: CalendarDate) async throws -> Int

    /// Saves an assessment of `exscope assess` (earlier ones are kept).
    /// - Returns: its id; the highest id is the latest assessment.
    func saveAssessment(_ assessment: StoredAssessment) async throws -> Int64

    /// Deletes a scan and everything in it.
    func deleteScan(named name: String) async throws -> Bool

    /// Releases the connection.
    func close() async throws
}

extension ResultStore {
    /// Nothing to prepare: the writer takes the row as it is.
    public func prepareForImport(_ row: ResultRow) -> ImportRow { ImportRow(row) }
}

/// The statements both backends use to write.
public enum StoreStatements {
    public static let upsertScan = """
        INSERT INTO scan (name, started_at, ended_at, targets, options, source, enrichment, catalog_date)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (name) DO UPDATE SET
            started_at = CASE WHEN excluded.started_at < scan.started_at THEN excluded.started_at ELSE scan.started_at END,
            enrichment = CASE WHEN scan.enrichment = '' THEN excluded.enrichment ELSE scan.enrichment END,
            catalog_date = COALESCE(scan.catalog_date, excluded.catalog_date)
        RETURNING id
        """

    public static func scanArguments(_ scan: ScanInfo) -> [SQLValue] {
        let options = scan.options.sorted { $0.key < $1.key }
            .map { "\"\(escape($0.key))\":\"\(escape($0.value))\"" }.joined(separator: ",")
        return [.text(scan.name), .text(scan.startedAt), .of(scan.endedAt), .text(scan.targets), .text("{\(options)}"),
                .text(scan.source), .text(scan.enrichment), .of(scan.catalogDate)]
    }

    public static let closeScan = """
        UPDATE scan SET ended_at = CASE WHEN ended_at IS NULL OR ended_at < ? THEN ? ELSE ended_at END WHERE id = ?
        """

    /// Writes one observation: a new row, or the existing one of the same scan and target updated.
    /// Without `RETURNING`, which costs SQLite a result table per row (it reads the last insert rowid);
    /// PostgreSQL adds the `RETURNING` clause it needs.
    public static let upsertObservationWithoutID = insertObservation + """

        ON CONFLICT (scan_id, target_key) DO UPDATE SET
            observed_at = excluded.observed_at, duration_ms = excluded.duration_ms, status = excluded.status,
            detected = excluded.detected, exchange_online = excluded.exchange_online, confidence = excluded.confidence,
            build = excluded.build, build_precision = excluded.build_precision, anomalies = excluded.anomalies,
            server_name = excluded.server_name, server_key = excluded.server_key, hybrid_likely = excluded.hybrid_likely,
            tenant_id = excluded.tenant_id, country = excluded.country, asn = excluded.asn, as_org = excluded.as_org
        """

    /// Writes one observation as a new row (SQLite, while a load into an empty store has dropped the index that
    /// keeps targets unique).
    static let insertObservation = """
        INSERT INTO observation (scan_id, target_key, ip, ip_sort, port, hostname, observed_at, duration_ms, status, detected,
            exchange_online, confidence, build, build_precision, anomalies, server_name, server_key, hybrid_likely, tenant_id,
            country, asn, as_org)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// The id of a scan's observation of a target.
    static let observationID = "SELECT id FROM observation WHERE scan_id = ? AND target_key = ?"

    public static func observationArguments(_ row: ResultRow, scan: Int64) -> [SQLValue] {
        [.int(scan), .text(row.targetKey), .of(row.ip), .text(row.ipSort), .of(row.port), .of(row.hostname), .text(row.observedAt),
         .of(row.durationMs), .text(row.status), .of(row.detected), .of(row.exchangeOnline), .of(row.confidence.rank),
         .of(row.build), .text(row.precision), .text(row.anomalies.isEmpty ? "" : " " + row.anomalies.joined(separator: " ") + " "),
         .of(row.serverName), .text(row.serverKey), .of(row.hybridLikely), .of(row.tenantId), .of(row.country), .of(row.asn),
         .of(row.asOrganization)]
    }

    public static let upsertRaw = """
        INSERT INTO observation_raw (observation_id, raw) VALUES (?, ?)
        ON CONFLICT (observation_id) DO UPDATE SET raw = excluded.raw
        """

    /// Joins each result `o` to its verdict `v`, when it has one. Written on the tables, not the
    /// `verdict` view: SQLite does not flatten a view on the right of a LEFT JOIN but materialises it
    /// whole (every verdict of the store, in memory) and builds an automatic index over it.
    public static let leftJoinVerdict = """
        LEFT JOIN observation_verdict ov ON ov.observation_id = o.id LEFT JOIN verdict_set v ON v.id = ov.verdict_set_id
        """

    /// Links a result to its verdict set.
    public static let upsertVerdict = """
        INSERT INTO observation_verdict (observation_id, scan_id, verdict_set_id) VALUES (?, ?, ?)
        ON CONFLICT (observation_id) DO UPDATE SET scan_id = excluded.scan_id, verdict_set_id = excluded.verdict_set_id
        """

    public static func verdictArguments(set: Int64, observation: Int64, scan: Int64) -> [SQLValue] {
        [.int(observation), .int(scan), .int(set)]
    }

    /// Stores a verdict not stored yet.
    public static let insertVerdictSet = """
        INSERT INTO verdict_set (\(StoreSchema.verdictSetColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """


    /// A verdict's values in ``StoreSchema/verdictSetColumns`` order: equal values are the same verdict set.
    public static func verdictSetValues(_ verdict: VerdictRow) -> [SQLValue] {
        [.of(verdict.product), .of(verdict.productId), .of(verdict.cu), .of(verdict.update), .of(verdict.support),
         .of(verdict.verdictNote), .of(verdict.findings[HybridFinding.id]), .text(verdict.lists.vulnerable), .text(verdict.lists.patched),
         .text(verdict.lists.indeterminate), .text(verdict.lists.notAffected), .of(verdict.asOf), .of(verdict.catalogDate)]
    }

    /// What reassess reads.
    public static func observationsToJudge(scan: String?) -> SQLQuery {
        if let scan {
            return SQLQuery("SELECT o.id, o.scan_id, o.build, o.detected, o.exchange_online FROM observation o JOIN scan s ON s.id = o.scan_id WHERE s.name = ?", [.text(scan)])
        }
        return SQLQuery("SELECT id, scan_id, build, detected, exchange_online FROM observation")
    }

    static func escape(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            default:
                if scalar.value < 0x20 { result += String(format: "\\u%04x", scalar.value) } else { result.unicodeScalars.append(scalar) }
            }
        }
        return result
    }
}

/// CVE-2025-53786, the finding ExScope exists for; its status has its own indexed column.
public enum HybridFinding {
    public static let id = "CVE-2025-53786"
}

/// The verdict sets of a store by their values, for one writing transaction: a writer looks each
/// result's verdict up here and stores only the ones not present. The stored sets are read one
/// judging date and catalog at a time, when a verdict of that date and catalog is first met (a store
/// gathers sets over the years; a transaction needs those of its scan's date). Read again for every
/// transaction, since a rolled-back one takes its new sets with it. Concurrent PostgreSQL writers may
/// each store the same verdict: the copies have different ids and equal values, and every query reads values.
public struct VerdictSets {
    private var ids: [[SQLValue]: Int64] = [:]
    /// The dates (judged, catalog) whose stored sets are in `ids`.
    private var read: Set<[SQLValue]> = []
    /// Sets met lately, with a verdict of each. A decoder gives every row with the same findings the
    /// same list strings, which compare by identity: comparing a row's verdict with these costs less
    /// than making and hashing its set's values (four lists of up to a kilobyte each).
    private var recent: [(verdict: VerdictRow, id: Int64)] = []
    private var replaced = 0
    static let recentCapacity = 8

    public init() {}

    /// The id of the set of a verdict like one met lately (``remember(_:id:)``), or nil: look it up by its values.
    public func recentID(of verdict: VerdictRow) -> Int64? {
        recent.first { Self.sameSet($0.verdict, verdict) }?.id
    }

    /// Remembers the set a verdict was found in or stored as, for ``recentID(of:)``; the oldest is forgotten first.
    public mutating func remember(_ verdict: VerdictRow, id: Int64) {
        if recent.count < Self.recentCapacity {
            recent.append((verdict, id))
        } else {
            recent[replaced] = (verdict, id)
            replaced = (replaced + 1) % Self.recentCapacity
        }
    }

    /// Whether two verdicts have the same set values (``StoreStatements/verdictSetValues(_:)``).
    static func sameSet(_ a: VerdictRow, _ b: VerdictRow) -> Bool {
        a.lists == b.lists && a.cu == b.cu && a.update == b.update && a.product == b.product && a.productId == b.productId
            && a.support == b.support && a.verdictNote == b.verdictNote && a.asOf == b.asOf && a.catalogDate == b.catalogDate
            && a.findings[HybridFinding.id] == b.findings[HybridFinding.id]
    }

    /// The id of a set with these values (``StoreStatements/verdictSetValues(_:)``), when it is known.
    public func id(_ values: [SQLValue]) -> Int64? { ids[values] }

    /// The query that reads the stored sets of the values' dates, or nil when they were read already
    /// (a set not known then is not stored: the writer stores it).
    public func query(for values: [SQLValue]) -> SQLQuery? {
        let dates = Self.dates(values)
        guard !read.contains(dates) else { return nil }
        return SQLQuery("""
            SELECT id, \(StoreSchema.verdictSetColumns) FROM verdict_set WHERE COALESCE(as_of, '') = ? AND COALESCE(catalog_date, '') = ?
            """, dates.map { .text($0.text ?? "") })
    }

    /// Records the rows of ``query(for:)`` for the values' dates.
    public mutating func add(_ rows: [SQLRow], for values: [SQLValue]) {
        read.insert(Self.dates(values))
        for row in rows {
            guard case .int(let id) = row[0] else { continue }
            ids[Array(row.values.dropFirst())] = id
        }
    }

    /// Records a set just stored.
    public mutating func add(_ values: [SQLValue], id: Int64) { ids[values] = id }

    /// The judging date and catalog date, the last two values.
    private static func dates(_ values: [SQLValue]) -> [SQLValue] { Array(values.suffix(2)) }
}
