public import ExScopeCore

/// What a report groups by.
public enum ReportDimension: String, Sendable, CaseIterable, Codable {
    case country, asn, product, cu, build, support, finding
}

/// What a report counts: unique addresses (Shadowserver's way) or unique servers by identity.
public enum DedupeMode: String, Sendable, CaseIterable, Codable {
    case ip, server
}

/// A count request: which scan, which hosts, grouped how.
public struct ReportRequest: Sendable {
    /// The scan's name; nil for the latest scan.
    public var scan: String?
    public var by: ReportDimension
    /// Count only hosts with this finding in ``status`` (default status: vulnerable).
    public var finding: String?
    /// Count only hosts whose ``finding`` (default CVE-2025-53786) has this status.
    public var status: FindingStatus?
    public var top: Int?
    /// Hosts below this confidence are not counted (default medium).
    public var minConfidence: HostProfile.Confidence
    public var dedupe: DedupeMode
    /// For `--by finding`: the finding ids to count (the catalog's).
    public var findingIDs: [String]

    public init(scan: String? = nil, by: ReportDimension, finding: String? = nil, status: FindingStatus? = nil, top: Int? = nil,
                minConfidence: HostProfile.Confidence = .medium, dedupe: DedupeMode = .ip, findingIDs: [String] = []) {
        self.scan = scan
        self.by = by
        self.finding = finding
        self.status = status
        self.top = top
        self.minConfidence = minConfidence
        self.dedupe = dedupe
        self.findingIDs = findingIDs
    }

    /// The finding filter in effect: (id, status), or nil when every on-prem host counts.
    /// `--by finding` uses the status for its rows and filters on a finding only when one is named.
    public var filter: (finding: String, status: FindingStatus)? {
        if finding == nil && (status == nil || by == .finding) { return nil }
        return (finding ?? HybridFinding.id, status ?? .vulnerable)
    }
}

/// One line of a report.
public struct ReportRow: Sendable, Hashable, Codable {
    /// The group's value: a country code or address class, an ASN, a product, …; nil when unknown.
    public var key: String?
    /// A second value shown beside the key (the AS organisation for ASNs).
    public var detail: String?
    public var count: Int
    /// Share of the report's total, 0…1.
    public var share: Double
}

/// A finished count, with everything needed to say what was counted.
public struct Report: Sendable, Codable {
    public var scan: String
    public var scanStartedAt: String
    public var by: ReportDimension
    public var dedupe: DedupeMode
    public var minConfidence: HostProfile.Confidence
    public var finding: String?
    public var status: FindingStatus?
    /// Unique hosts counted (not the sum of rows when a host falls in several groups).
    public var total: Int
    public var rows: [ReportRow]
    /// Hosts in groups beyond `--top`, and how many such groups.
    public var otherCount: Int
    public var otherGroups: Int
    /// The enrichment sources the scan's addresses were located with.
    public var enrichment: String
    /// The catalog dates of the verdicts counted.
    public var catalogDates: [String]
}

/// Information about a stored scan, with counts.
public struct ScanSummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var startedAt: String
    public var endedAt: String?
    public var targets: String
    /// The options as stored (a JSON object).
    public var options: String
    public var source: String
    public var enrichment: String
    public var results: Int
    /// On-premises Exchange hosts (unique addresses, any confidence).
    public var exchange: Int
    public var exchangeOnline: Int
    /// Unique addresses vulnerable to CVE-2025-53786 (medium confidence or more).
    public var vulnerable: Int
}

extension ResultStore {
    /// Every scan, oldest first, with counts.
    public func scans() async throws -> [ScanSummary] {
        let rows = try await self.rows(SQLQuery("""
            SELECT s.id, s.name, s.started_at, s.ended_at, s.targets, s.options, s.source, s.enrichment,
                COUNT(o.id),
                COUNT(DISTINCT CASE WHEN o.detected = 1 AND o.exchange_online = 0 THEN COALESCE(o.ip, o.hostname) END),
                COUNT(DISTINCT CASE WHEN o.exchange_online = 1 THEN COALESCE(o.ip, o.hostname) END),
                COUNT(DISTINCT CASE WHEN o.detected = 1 AND o.exchange_online = 0 AND o.confidence >= 1 AND v.hybrid_status = 'vulnerable'
                    THEN COALESCE(o.ip, o.hostname) END)
            FROM scan s LEFT JOIN observation o ON o.scan_id = s.id \(StoreStatements.leftJoinVerdict)
            GROUP BY s.id, s.name, s.started_at, s.ended_at, s.targets, s.options, s.source, s.enrichment
            ORDER BY s.started_at, s.id
            """))
        return rows.map { row in
            ScanSummary(id: Int64(row.int(0) ?? 0), name: row.text(1) ?? "", startedAt: row.text(2) ?? "", endedAt: row.text(3),
                        targets: row.text(4) ?? "", options: row.text(5) ?? "{}", source: row.text(6) ?? "", enrichment: row.text(7) ?? "",
                        results: row.int(8) ?? 0, exchange: row.int(9) ?? 0, exchangeOnline: row.int(10) ?? 0, vulnerable: row.int(11) ?? 0)
        }
    }

    /// Every scan's id, name and source, in the order of ``scans()``, without its counts (which read
    /// every result of the store): what a reader walking the scans needs.
    public func scanNames() async throws -> [(id: Int64, name: String, source: String)] {
        try await rows(SQLQuery("SELECT id, name, source FROM scan ORDER BY started_at, id")).map { row in
            (Int64(row.int(0) ?? 0), row.text(1) ?? "", row.text(2) ?? "")
        }
    }

    /// How many results a scan holds (from the `(scan_id, id)` index).
    public func resultCount(scan id: Int64) async throws -> Int {
        try await rows(SQLQuery("SELECT COUNT(*) FROM observation WHERE scan_id = ?", [.int(id)])).first?.int(0) ?? 0
    }

    /// The scan with this name, or the latest scan for nil.
    /// - Throws: ``StoreError`` (bad input) when there is no such scan.
    public func resolveScan(_ name: String?) async throws -> (id: Int64, name: String, startedAt: String, enrichment: String) {
        let query = name.map {
            SQLQuery("SELECT id, name, started_at, enrichment FROM scan WHERE name = ?", [.text($0)])
        } ?? SQLQuery("SELECT id, name, started_at, enrichment FROM scan ORDER BY started_at DESC, id DESC LIMIT 1")
        guard let row = try await rows(query).first, let id = row.int(0) else {
            if let name { throw StoreError("no scan named '\(name)' in \(displayName); see exscope scans", isBadInput: true) }
            throw StoreError("\(displayName) has no scans yet; run exscope scan --store or exscope import", isBadInput: true)
        }
        return (Int64(id), row.text(1) ?? "", row.text(2) ?? "", row.text(3) ?? "")
    }

    /// Counts hosts of one scan, grouped as asked.
    /// The dates of the catalogs the stored verdicts of a scan were judged with, oldest first.
    func catalogDates(scanID: Int64) async throws -> [String] {
        // The scan's verdict sets one index seek each (observation_verdict_set), not by reading every result.
        try await rows(SQLQuery("""
            WITH RECURSIVE used (id) AS (
                SELECT MIN(verdict_set_id) FROM observation_verdict WHERE scan_id = ?
                UNION ALL
                SELECT (SELECT MIN(verdict_set_id) FROM observation_verdict WHERE scan_id = ? AND verdict_set_id > used.id)
                FROM used WHERE used.id IS NOT NULL
            )
            SELECT DISTINCT s.catalog_date FROM verdict_set s JOIN used ON used.id = s.id WHERE s.catalog_date IS NOT NULL ORDER BY 1
            """, [.int(scanID), .int(scanID)])).compactMap { $0.text(0) }
    }

    /// The scans whose stored verdicts were judged with a catalog of another date than `catalogDate`
    /// (after `exscope reassess --catalog`, say), each with the dates used.
    public func scansJudged(otherThan catalogDate: String) async throws -> [(scan: String, dates: [String])] {
        var judged: [(scan: String, dates: [String])] = []
        for row in try await rows(SQLQuery("SELECT id, name FROM scan ORDER BY id")) {
            guard let id = row.int(0), let name = row.text(1) else { continue }
            let dates = try await catalogDates(scanID: Int64(id))
            if dates.contains(where: { $0 != catalogDate }) { judged.append((name, dates)) }
        }
        return judged
    }

    public func report(_ request: ReportRequest) async throws -> Report {
        let scan = try await resolveScan(request.scan)
        let hostKey = request.dedupe == .ip ? "COALESCE(o.ip, o.hostname)" : "o.server_key"
        var arguments: [SQLValue] = []
        var with = ""
        var filter = "o.scan_id = ? AND o.detected = 1 AND o.exchange_online = 0 AND o.confidence >= ?"
        if let (finding, status) = request.filter {
            // The matching verdicts are read once, for the total and every group.
            with = "WITH matched AS MATERIALIZED (\(Self.matchingResults(scan: scan.id, finding, status, arguments: &arguments))) "
            filter += " AND o.id IN (SELECT observation_id FROM matched)"
        }
        let filterArguments: [SQLValue] = [.int(scan.id), .of(request.minConfidence.rank)]
        let hosts = "COUNT(DISTINCT \(hostKey)) FROM observation o"
        // One statement: the total (marked 0), then the groups (marked 1, or for `--by finding` 1 + the id's position).
        var parts = ["SELECT 0, NULL, NULL, \(hosts) WHERE \(filter)"]
        arguments += filterArguments
        let status = request.status ?? .vulnerable
        if request.by == .finding {
            for (position, id) in request.findingIDs.enumerated() {
                var findingArguments: [SQLValue] = []
                let matching = Self.matchingResults(scan: scan.id, id, status, arguments: &findingArguments)
                parts.append("SELECT \(position + 1), NULL, NULL, \(hosts) WHERE \(filter) AND o.id IN (\(matching))")
                arguments += filterArguments + findingArguments
            }
        } else {
            let (key, detail) = Self.groupExpression(request.by)
            // Every observation has a verdict row; it is read only when the group is a verdict column.
            let join = [.product, .cu, .support].contains(request.by) ? " JOIN verdict v ON v.observation_id = o.id" : ""
            parts.append("SELECT 1, \(key) AS k, \(detail ?? "NULL"), \(hosts)\(join) WHERE \(filter) GROUP BY \(key)")
            arguments += filterArguments
        }
        var total = 0
        var groups: [ReportRow] = []
        for row in try await rows(SQLQuery(with + parts.joined(separator: " UNION ALL "), arguments)) {
            let marker = row.int(0) ?? 0, count = row.int(3) ?? 0
            if marker == 0 {
                total = count
            } else if request.by != .finding {
                groups.append(ReportRow(key: row.text(1), detail: row.text(2), count: count, share: 0))
            } else if count > 0 {
                groups.append(ReportRow(key: request.findingIDs[marker - 1], detail: status.rawValue, count: count, share: 0))
            }
        }
        groups.sort { $0.count != $1.count ? $0.count > $1.count : ($0.key ?? "\u{10FFFF}") < ($1.key ?? "\u{10FFFF}") }
        for index in groups.indices { groups[index].share = total > 0 ? Double(groups[index].count) / Double(total) : 0 }
        var other = 0, otherGroups = 0
        if let top = request.top, groups.count > top {
            let rest = groups[top...]
            other = rest.reduce(0) { $0 + $1.count }
            otherGroups = rest.count
            groups = Array(groups[..<top])
        }
        let dates = try await catalogDates(scanID: scan.id)
        return Report(scan: scan.name, scanStartedAt: scan.startedAt, by: request.by, dedupe: request.dedupe,
                      minConfidence: request.minConfidence, finding: request.filter?.finding,
                      status: request.filter?.status ?? (request.by == .finding ? request.status ?? .vulnerable : nil),
                      total: total, rows: groups, otherCount: other, otherGroups: otherGroups, enrichment: scan.enrichment,
                      catalogDates: dates)
    }

    static func groupExpression(_ dimension: ReportDimension) -> (key: String, detail: String?) {
        switch dimension {
        case .country: ("o.country", nil)
        case .asn: ("o.asn", "MAX(o.as_org)")
        case .product: ("v.product", nil)
        case .cu: ("COALESCE(v.product || ' ' || v.cu, v.product)", nil)
        case .build: ("o.build", nil)
        case .support: ("v.support", nil)
        case .finding: ("v.hybrid_status", nil)
        }
    }

    /// The ids of the scan's results whose verdict has `finding` in `status`, for `o.id IN (…)`: the
    /// few matching verdict sets are found first, then their results from the observation_verdict_set
    /// index alone, instead of looking up the verdict of every result.
    static func matchingResults(scan: Int64, _ finding: String, _ status: FindingStatus, arguments: inout [SQLValue]) -> String {
        arguments.append(.int(scan))
        let condition = findingCondition(finding, status, arguments: &arguments)
        return """
            SELECT ov.observation_id FROM observation_verdict ov
            WHERE ov.scan_id = ? AND ov.verdict_set_id IN (SELECT v.id FROM verdict_set v WHERE \(condition))
            """
    }

    /// The condition that a verdict has `finding` in `status`: CVE-2025-53786 has its own column.
    static func findingCondition(_ finding: String, _ status: FindingStatus, arguments: inout [SQLValue]) -> String {
        if finding == HybridFinding.id {
            arguments.append(.text(status.rawValue))
            return "v.hybrid_status = ?"
        }
        arguments.append(.text("% \(finding) %"))
        return "v.\(FindingLists.column(for: status)) LIKE ?"
    }
}
