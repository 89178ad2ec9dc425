/// The store's schema as named, append-only migrations, shared by SQLite and PostgreSQL.
/// Never edit or reorder an entry that has shipped: add a new one.
public enum StoreSchema {
    /// One named migration: statements run in order, in one transaction.
    public struct Migration: Sendable {
        public let name: String
        public let statements: [String]
        /// The one database the migration changes, or nil for both. The other records it as applied and runs nothing.
        public var only: SQLDialect?

        public init(name: String, statements: [String], only: SQLDialect? = nil) {
            self.name = name
            self.statements = statements
            self.only = only
        }

        /// The statements to run on `dialect`'s database.
        public func statements(for dialect: SQLDialect) -> [String] {
            only == nil || only == dialect ? statements : []
        }
    }

    /// Every migration, oldest first.
    public static let migrations: [Migration] = [
        Migration(name: "v1-scans-observations-verdicts", statements: [
            """
            CREATE TABLE scan (
                id {id},
                name TEXT NOT NULL UNIQUE,
                started_at TEXT NOT NULL,
                ended_at TEXT,
                targets TEXT NOT NULL DEFAULT '',
                options TEXT NOT NULL DEFAULT '{}',
                source TEXT NOT NULL DEFAULT 'scan',
                enrichment TEXT NOT NULL DEFAULT '',
                catalog_date TEXT
            )
            """,
            // Raw observations: what the scanner saw, with the address's country and ASN
            // (enrichment at record time). Never rewritten by reassess.
            """
            CREATE TABLE observation (
                id {id},
                scan_id {int} NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
                target_key TEXT NOT NULL,
                ip TEXT,
                ip_sort TEXT NOT NULL,
                port {int} NOT NULL,
                hostname TEXT,
                observed_at TEXT NOT NULL,
                duration_ms {int} NOT NULL DEFAULT 0,
                status TEXT NOT NULL,
                detected {int} NOT NULL,
                exchange_online {int} NOT NULL,
                confidence {int} NOT NULL,
                build TEXT,
                build_precision TEXT NOT NULL,
                anomalies TEXT NOT NULL DEFAULT '',
                server_name TEXT,
                server_key TEXT NOT NULL,
                hybrid_likely {int} NOT NULL DEFAULT 0,
                tenant_id TEXT,
                country TEXT,
                asn {int},
                as_org TEXT,
                UNIQUE (scan_id, target_key)
            )
            """,
            // The record as written, apart so that counting never reads it.
            """
            CREATE TABLE observation_raw (
                observation_id {int} PRIMARY KEY REFERENCES observation(id) ON DELETE CASCADE,
                raw TEXT NOT NULL
            )
            """,
            "CREATE INDEX observation_page ON observation (scan_id, ip_sort, id)",
            "CREATE INDEX observation_status ON observation (scan_id, status)",
            // Covers `report --by country` without reading the table.
            "CREATE INDEX observation_country ON observation (scan_id, country, detected, exchange_online, confidence, ip, hostname, server_key)",
            "CREATE INDEX observation_asn ON observation (scan_id, asn)",
            // Verdicts: recomputed from observations by `exscope reassess`.
            // Finding id lists are ' ID ID ' so `LIKE '% ID %'` works on both databases.
            """
            CREATE TABLE verdict (
                observation_id {int} PRIMARY KEY REFERENCES observation(id) ON DELETE CASCADE,
                scan_id {int} NOT NULL,
                product TEXT,
                product_id TEXT,
                cu TEXT,
                update_name TEXT,
                support TEXT,
                verdict_note TEXT,
                hybrid_status TEXT,
                vulnerable TEXT NOT NULL DEFAULT '',
                patched TEXT NOT NULL DEFAULT '',
                indeterminate TEXT NOT NULL DEFAULT '',
                not_affected TEXT NOT NULL DEFAULT '',
                as_of TEXT,
                catalog_date TEXT
            )
            """,
            "CREATE INDEX verdict_hybrid ON verdict (scan_id, hybrid_status)",
            "CREATE INDEX verdict_product ON verdict (scan_id, product_id, cu)",
        ]),
        // `--dedupe server` and the dashboard's server view group on the identity.
        Migration(name: "v2-server-identity-index", statements: [
            "CREATE INDEX observation_server ON observation (scan_id, server_key)",
        ]),
        // `exscope assess` keeps every ED 25-02 assessment for the dashboard's Organisation page:
        // the whole `exscope.assessment/1` document plus the columns the history list shows.
        Migration(name: "v3-assessment", statements: [
            """
            CREATE TABLE assessment (
                id {id},
                generated_at TEXT NOT NULL,
                stored_at TEXT NOT NULL,
                organization_guid TEXT,
                organization_name TEXT,
                tenant_id TEXT,
                overall TEXT NOT NULL,
                done {int} NOT NULL DEFAULT 0,
                action_required {int} NOT NULL DEFAULT 0,
                not_applicable {int} NOT NULL DEFAULT 0,
                unknown {int} NOT NULL DEFAULT 0,
                compromise_suspected {int} NOT NULL DEFAULT 0,
                document TEXT NOT NULL
            )
            """,
            "CREATE INDEX assessment_organization ON assessment (organization_guid, id)",
        ]),
        // `exscope serve` reads each scan's rows in id order, one streamed query per scan.
        Migration(name: "v4-dashboard", statements: [
            "CREATE INDEX observation_scan_order ON observation (scan_id, id)",
        ]),
        // Reports over a million results: the host (address, else name) right after the group, so
        // `COUNT(DISTINCT host)` reads each group's hosts in order instead of sorting them; the
        // filter columns follow, so the index alone answers the count. It replaces observation_country.
        Migration(name: "v5-store", statements: [
            "DROP INDEX observation_country",
            """
            CREATE INDEX observation_country_host ON observation
                (scan_id, country, (COALESCE(ip, hostname)), detected, exchange_online, confidence, ip, hostname, server_key)
            """,
            "CREATE INDEX observation_host ON observation (scan_id, (COALESCE(ip, hostname)), detected, exchange_online, confidence, ip, hostname)",
            "CREATE INDEX verdict_catalog ON verdict (scan_id, catalog_date)",
        ]),
        // Each distinct verdict is stored once (a scan's hosts share a few dozen: one per build, date and
        // catalog), and each result links to its own. `verdict` stays as a view of the same shape, so
        // every query reads it as before. The existing verdicts are grouped; a group's set takes the
        // negated smallest result id of the group as its id: later sets are numbered above every id present.
        Migration(name: "v6-verdict-sets", statements: [
            """
            CREATE TABLE verdict_set (
                id {id},
                product TEXT,
                product_id TEXT,
                cu TEXT,
                update_name TEXT,
                support TEXT,
                verdict_note TEXT,
                hybrid_status TEXT,
                vulnerable TEXT NOT NULL DEFAULT '',
                patched TEXT NOT NULL DEFAULT '',
                indeterminate TEXT NOT NULL DEFAULT '',
                not_affected TEXT NOT NULL DEFAULT '',
                as_of TEXT,
                catalog_date TEXT
            )
            """,
            """
            CREATE TABLE observation_verdict (
                observation_id {int} PRIMARY KEY REFERENCES observation(id) ON DELETE CASCADE,
                scan_id {int} NOT NULL,
                verdict_set_id {int} NOT NULL REFERENCES verdict_set(id)
            )
            """,
            """
            INSERT INTO verdict_set (id, product, product_id, cu, update_name, support, verdict_note, hybrid_status, vulnerable, patched, indeterminate, not_affected, as_of, catalog_date)
            SELECT -MIN(observation_id), product, product_id, cu, update_name, support, verdict_note, hybrid_status, vulnerable, patched, indeterminate, not_affected, as_of, catalog_date
            FROM verdict GROUP BY product, product_id, cu, update_name, support, verdict_note, hybrid_status, vulnerable, patched, indeterminate, not_affected, as_of, catalog_date
            """,
            """
            INSERT INTO observation_verdict (observation_id, scan_id, verdict_set_id)
            SELECT observation_id, scan_id, -MIN(observation_id) OVER (PARTITION BY product, product_id, cu, update_name, support, verdict_note, hybrid_status, vulnerable, patched, indeterminate, not_affected, as_of, catalog_date)
            FROM verdict
            """,
            "DROP TABLE verdict",
            """
            CREATE VIEW verdict AS
            SELECT ov.observation_id, ov.scan_id, s.product, s.product_id, s.cu, s.update_name, s.support, s.verdict_note, s.hybrid_status, s.vulnerable, s.patched, s.indeterminate, s.not_affected, s.as_of, s.catalog_date
            FROM observation_verdict ov JOIN verdict_set s ON s.id = ov.verdict_set_id
            """,
            // A scan's results by verdict: which sets a scan uses, and the results of a set (reports' finding filter).
            "CREATE INDEX observation_verdict_set ON observation_verdict (scan_id, verdict_set_id, observation_id)",
            // Writers read the stored sets of one judging date and catalog, not every set of the store.
            "CREATE INDEX verdict_set_dates ON verdict_set ((COALESCE(as_of, '')), (COALESCE(catalog_date, '')))",
        ]),
        // SQLite only: a scan's targets are kept unique by an index of its own instead of the table's
        // constraint, so that an import into an empty store drops it and builds it after the rows, as it
        // does the others (updated row by row, it took a third of the writer's time). SQLite cannot drop a
        // constraint: the table is made anew, its rows copied with their ids, and its indexes made again
        // (foreign keys are off during a migration). PostgreSQL keeps its constraint.
        Migration(name: "v7-observation-target-index", statements: [
            """
            CREATE TABLE observation_v7 (
                id {id},
                scan_id {int} NOT NULL REFERENCES scan(id) ON DELETE CASCADE,
                target_key TEXT NOT NULL,
                ip TEXT,
                ip_sort TEXT NOT NULL,
                port {int} NOT NULL,
                hostname TEXT,
                observed_at TEXT NOT NULL,
                duration_ms {int} NOT NULL DEFAULT 0,
                status TEXT NOT NULL,
                detected {int} NOT NULL,
                exchange_online {int} NOT NULL,
                confidence {int} NOT NULL,
                build TEXT,
                build_precision TEXT NOT NULL,
                anomalies TEXT NOT NULL DEFAULT '',
                server_name TEXT,
                server_key TEXT NOT NULL,
                hybrid_likely {int} NOT NULL DEFAULT 0,
                tenant_id TEXT,
                country TEXT,
                asn {int},
                as_org TEXT
            )
            """,
            "INSERT INTO observation_v7 SELECT * FROM observation",
            "DROP TABLE observation",
            "ALTER TABLE observation_v7 RENAME TO observation",
            "CREATE UNIQUE INDEX observation_target ON observation (scan_id, target_key)",
            "CREATE INDEX observation_page ON observation (scan_id, ip_sort, id)",
            "CREATE INDEX observation_status ON observation (scan_id, status)",
            "CREATE INDEX observation_asn ON observation (scan_id, asn)",
            "CREATE INDEX observation_server ON observation (scan_id, server_key)",
            "CREATE INDEX observation_scan_order ON observation (scan_id, id)",
            """
            CREATE INDEX observation_country_host ON observation
                (scan_id, country, (COALESCE(ip, hostname)), detected, exchange_online, confidence, ip, hostname, server_key)
            """,
            "CREATE INDEX observation_host ON observation (scan_id, (COALESCE(ip, hostname)), detected, exchange_online, confidence, ip, hostname)",
        ], only: .sqlite),
    ]

    /// The columns of a verdict set the statements write, in the order ``StoreStatements/verdictSetValues(_:)``
    /// gives their values. (Migrations spell out their own column lists: they must not change once shipped.)
    static let verdictSetColumns = "product, product_id, cu, update_name, support, verdict_note, hybrid_status, vulnerable, patched, indeterminate, not_affected, as_of, catalog_date"

    /// Migrations renumbered after a build of main had recorded them under another name: the same
    /// schema change, so a store that has the former name is recorded under the current one on opening.
    public static let formerNames = ["v2-assessment": "v3-assessment"]

    /// The statements that record renamed migrations under their current names, for a store whose
    /// migration table is `table` with the names in `column`.
    public static func renameStatements(table: String, column: String) -> [String] {
        formerNames.sorted { $0.key < $1.key }.map { "UPDATE \(table) SET \(column) = '\($0.value)' WHERE \(column) = '\($0.key)'" }
    }

    /// The names a store written by this version may contain.
    public static var knownNames: Set<String> { Set(migrations.map(\.name)) }

    /// Refuses a store that has migrations this version does not know (written by a newer ExScope).
    /// - Throws: ``StoreError`` naming the unknown migrations.
    public static func checkNotNewer(applied: [String], store: String) throws {
        let unknown = applied.filter { !knownNames.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError("store \(store) was written by a newer ExScope (unknown migrations: \(unknown.joined(separator: ", "))); upgrade ExScope to open it", isBadInput: true)
        }
    }
}

/// A store failure, with one sentence for the user.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    /// The request named something the store does not have (a scan), or a store this version cannot use
    /// (not a store, or written by a newer version), rather than the store failing.
    public let isBadInput: Bool
    public init(_ message: String, isBadInput: Bool = false) {
        self.message = message
        self.isBadInput = isBadInput
    }
    public var description: String { message }
}
