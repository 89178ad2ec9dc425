/// A store as ExScope wrote it before verdicts were stored once per distinct verdict (the
/// `v6-verdict-sets` migration): five results of one scan with three distinct verdicts, two of them
/// twice, one with NULLs where the others have values. The same statements run on SQLite and PostgreSQL.
public enum VerdictSetMigrationFixture {
    /// The last migration such a store had.
    public static let lastMigrationBefore = "v5-store"

    private static let verdicts = [
        "'Exchange Server 2019', 'exchange-2019', 'CU14', 'Apr24HU', 'outdated-cu', NULL, 'vulnerable', ' CVE-2025-53786 ', '', '', ''",
        "'Exchange Server 2019', 'exchange-2019', 'CU14', 'Apr24HU', 'outdated-cu', NULL, 'vulnerable', ' CVE-2025-53786 ', '', '', ''",
        "NULL, NULL, NULL, NULL, NULL, '\(onlineNote)', NULL, '', '', '', ''",
        "'Exchange Server 2016', 'exchange-2016', 'CU23', NULL, 'extended', NULL, 'patched', '', ' CVE-2025-53786 ', '', ''",
        "'Exchange Server 2016', 'exchange-2016', 'CU23', NULL, 'extended', NULL, 'patched', '', ' CVE-2025-53786 ', '', ''",
    ]

    /// The verdict note of the third result.
    public static let onlineNote = "Exchange Online is not an on-premises server; no build verdict."
    public static let asOf = "2026-11-27"
    public static let catalogDate = "2026-08-20"

    /// Inserts the scan (`old`) and its results, which an empty store numbers 1 and 1–5 (ids are
    /// left to the database, so that it numbers later rows after them), and their verdicts.
    public static let statements: [String] = ["INSERT INTO scan (name, started_at) VALUES ('old', '2026-01-01T00:00:00Z')"]
        + verdicts.enumerated().flatMap { index, verdict in
            [
                """
                INSERT INTO observation (scan_id, target_key, ip, ip_sort, port, observed_at, status, detected, exchange_online,
                    confidence, build_precision, server_key, country)
                VALUES (1, '20.0.0.\(index)|443|', '20.0.0.\(index)', '4\(index)', 443, '2026-01-01T00:00:00Z', 'success',
                    1, 0, 2, 'exact', 'ip:20.0.0.\(index)', 'US')
                """,
                """
                INSERT INTO verdict (observation_id, scan_id, product, product_id, cu, update_name, support, verdict_note, hybrid_status,
                    vulnerable, patched, indeterminate, not_affected, as_of, catalog_date)
                VALUES (\(index + 1), 1, \(verdict), '\(asOf)', '\(catalogDate)')
                """,
            ]
        }

    /// The verdict sets the migration makes: one per distinct verdict, numbered by the negated first result of each.
    public static let setIDs = [-4, -3, -1]
    /// The set the third result's verdict (the one with NULLs) becomes.
    public static let onlineSetID = -3
}
