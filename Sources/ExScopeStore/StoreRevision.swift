/// What a reader compares to tell whether the store's content changed: each scan's id and end, the
/// last result of each ended scan, and the last assessment. Reading it costs one index seek per scan
/// and one for the assessments, so a long-running reader (the dashboard: once a second) can ask often.
///
/// It changes when a scan is added, ends or is deleted, when results are added to an ended scan
/// (an import into it), and when an assessment is stored. The results a scan records while it runs
/// do not change it until the scan ends; nor do `reassess` (the dashboard judges builds itself) or
/// a re-import that only rewrites results already stored.
public struct StoreRevision: Sendable, Hashable {
    /// Each scan's id → its state (its end, and the last result of an ended scan): a reader may keep
    /// what it read of a scan whose state is unchanged.
    public let scans: [Int64: [SQLValue]]
    let assessment: [SQLValue]
}

extension ResultStore {
    /// The store's revision now.
    public func revision() async throws -> StoreRevision {
        let scans = try await rows(SQLQuery("""
            SELECT s.id, s.ended_at,
                CASE WHEN s.ended_at IS NULL THEN NULL ELSE (SELECT MAX(o.id) FROM observation o WHERE o.scan_id = s.id) END
            FROM scan s ORDER BY s.id
            """))
        let assessment = try await rows(SQLQuery("SELECT MAX(id) FROM assessment"))
        var states: [Int64: [SQLValue]] = [:]
        for row in scans {
            if case .int(let id) = row[0] { states[id] = Array(row.values.dropFirst()) }
        }
        return StoreRevision(scans: states, assessment: assessment.flatMap(\.values))
    }
}
