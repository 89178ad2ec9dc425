public import ExScopeCore

/// Aggregates of one scan for a dashboard's front page.
public struct ScanOverview: Sendable, Codable {
    public struct Count: Sendable, Hashable, Codable {
        public var key: String?
        public var count: Int
    }

    public var scan: ScanSummary
    /// On-premises Exchange at medium confidence or more, unique addresses.
    public var exchange: Int
    public var byCountry: [Count]
    public var byProduct: [Count]
    /// `Exchange Server 2019 CU14`.
    public var byCU: [Count]
    /// `Exchange Server 2019 CU14 Apr25HU`.
    public var byUpdate: [Count]
    public var bySupport: [Count]
    /// Finding id → status → unique addresses.
    public var findings: [String: [String: Int]]
    public var byStatus: [Count]
}

/// What changed between two scans, keyed by address and port.
public struct ScanDiff: Sendable, Codable {
    public struct Change: Sendable, Hashable, Codable {
        public var ip: String?
        public var port: Int
        public var country: String?
        public var before: String?
        public var after: String?
    }

    public var from: String
    public var to: String
    public var finding: String
    /// Vulnerable in the second scan, not vulnerable or not seen in the first.
    public var newlyExposed: [Change]
    /// Vulnerable in the first scan, seen and not vulnerable in the second.
    public var newlyFixed: [Change]
    /// Vulnerable in the first scan and not seen in the second.
    public var gone: [Change]
    /// The same target with another build.
    public var buildChanges: [Change]
    /// Country → (newly exposed, newly fixed, gone).
    public var byCountry: [String: [String: Int]]
}

/// One point of the history series.
public struct HistoryPoint: Sendable, Hashable, Codable {
    public var scan: String
    public var startedAt: String
    /// Unique addresses with the finding in the asked status.
    public var count: Int
    /// Unique on-premises Exchange addresses seen in that scan.
    public var exchange: Int
}

/// One target as the diff sees it.
struct DiffSeen { var ip: String?; var port: Int; var country: String?; var build: String?; var vulnerable: Bool }

/// A host to tell its network owner about (notify).
public struct ExposedHost: Sendable, Hashable, Codable {
    public var observedAt: String
    public var ip: String?
    public var port: Int
    public var hostname: String?
    public var asn: Int?
    public var asOrganization: String?
    public var country: String?
    public var build: String?
    public var product: String?
    public var cu: String?
    public var update: String?
    public var serverName: String?
    /// Every finding id in the asked status, e.g. `CVE-2025-53786`.
    public var findings: [String]
}

extension ResultStore {
    /// Totals and breakdowns of one scan (counted like reports: on-prem, medium confidence or more, unique addresses).
    public func overview(scan name: String?) async throws -> ScanOverview {
        let scan = try await resolveScan(name)
        guard let summary = try await scans().first(where: { $0.id == scan.id }) else { throw StoreError("scan vanished") }
        let base = "FROM observation o JOIN verdict v ON v.observation_id = o.id WHERE o.scan_id = ? AND o.detected = 1 AND o.exchange_online = 0 AND o.confidence >= 1"
        func counts(_ expression: String) async throws -> [ScanOverview.Count] {
            try await rows(SQLQuery("SELECT \(expression), COUNT(DISTINCT COALESCE(o.ip, o.hostname)) \(base) GROUP BY \(expression) ORDER BY 2 DESC",
                                    [.int(scan.id)])).map { ScanOverview.Count(key: $0.text(0), count: $0.int(1) ?? 0) }
        }
        let exchange = try await rows(SQLQuery("SELECT COUNT(DISTINCT COALESCE(o.ip, o.hostname)) \(base)", [.int(scan.id)])).first?.int(0) ?? 0
        var findings: [String: [String: Int]] = [:]
        let lists = try await rows(SQLQuery("SELECT COALESCE(o.ip, o.hostname), v.vulnerable, v.patched, v.indeterminate, v.not_affected \(base)",
                                            [.int(scan.id)]))
        var seen: [String: Set<String>] = [:]
        for row in lists {
            let host = row.text(0) ?? ""
            for (id, status) in FindingLists.findings([row.text(1), row.text(2), row.text(3), row.text(4)]) {
                let key = "\(id)|\(status.rawValue)"
                if seen[key, default: []].insert(host).inserted { findings[String(id), default: [:]][status.rawValue, default: 0] += 1 }
            }
        }
        let statuses = try await rows(SQLQuery("SELECT status, COUNT(*) FROM observation WHERE scan_id = ? GROUP BY status ORDER BY 2 DESC",
                                               [.int(scan.id)])).map { ScanOverview.Count(key: $0.text(0), count: $0.int(1) ?? 0) }
        return ScanOverview(scan: summary, exchange: exchange, byCountry: try await counts("o.country"),
                            byProduct: try await counts("v.product"),
                            byCU: try await counts("COALESCE(v.product || ' ' || v.cu, v.product)"),
                            byUpdate: try await counts("COALESCE(v.product || ' ' || v.cu || ' ' || v.update_name, v.product || ' ' || v.cu, v.product)"),
                            bySupport: try await counts("v.support"), findings: findings, byStatus: statuses)
    }

    /// Hosts of a scan with `finding` in `status`, at `minConfidence` or more, in address order.
    public func exposedHosts(scan name: String?, finding: String?, status: FindingStatus = .vulnerable,
                             minConfidence: HostProfile.Confidence = .medium) async throws -> [ExposedHost] {
        let scan = try await resolveScan(name)
        let column = FindingLists.column(for: status)
        var sql = """
            SELECT o.observed_at, o.ip, o.port, o.hostname, o.asn, o.as_org, o.country, o.build, v.product, v.cu, v.update_name,
                o.server_name, v.\(column)
            FROM observation o JOIN verdict v ON v.observation_id = o.id
            WHERE o.scan_id = ? AND o.detected = 1 AND o.exchange_online = 0 AND o.confidence >= ?
            """
        var arguments: [SQLValue] = [.int(scan.id), .of(minConfidence.rank)]
        if let finding {
            sql += " AND v.\(column) LIKE ?"
            arguments.append(.text("% \(finding) %"))
        } else {
            sql += " AND v.\(column) <> ''"
        }
        sql += " ORDER BY o.ip_sort, o.port"
        return try await rows(SQLQuery(sql, arguments)).map { row in
            let all = (row.text(12) ?? "").split(separator: " ").map(String.init)
            return ExposedHost(observedAt: row.text(0) ?? "", ip: row.text(1), port: row.int(2) ?? 0, hostname: row.text(3), asn: row.int(4),
                               asOrganization: row.text(5), country: row.text(6), build: row.text(7), product: row.text(8), cu: row.text(9),
                               update: row.text(10), serverName: row.text(11), findings: finding.map { [$0] } ?? all)
        }
    }

    /// Compares two scans for one finding (default CVE-2025-53786).
    public func diff(_ first: String, _ second: String, finding: String = HybridFinding.id,
                     minConfidence: HostProfile.Confidence = .medium) async throws -> ScanDiff {
        func load(_ name: String) async throws -> [String: DiffSeen] {
            let scan = try await resolveScan(name)
            let found = try await rows(SQLQuery("""
                SELECT o.ip, o.port, o.hostname, o.country, o.build,
                    CASE WHEN o.detected = 1 AND o.exchange_online = 0 AND o.confidence >= ? AND v.vulnerable LIKE ? THEN 1 ELSE 0 END
                FROM observation o JOIN verdict v ON v.observation_id = o.id WHERE o.scan_id = ?
                """, [.of(minConfidence.rank), .text("% \(finding) %"), .int(scan.id)]))
            var result: [String: DiffSeen] = [:]
            for row in found {
                let key = "\(row.text(0) ?? row.text(2) ?? "")|\(row.int(1) ?? 0)"
                result[key] = DiffSeen(ip: row.text(0), port: row.int(1) ?? 0, country: row.text(3), build: row.text(4), vulnerable: row.int(5) == 1)
            }
            return result
        }
        let before = try await load(first), after = try await load(second)
        var diff = ScanDiff(from: first, to: second, finding: finding, newlyExposed: [], newlyFixed: [], gone: [], buildChanges: [], byCountry: [:])
        func note(_ kind: String, _ seen: DiffSeen) { diff.byCountry[seen.country ?? "unknown", default: [:]][kind, default: 0] += 1 }
        for (key, now) in after {
            let then = before[key]
            let change = ScanDiff.Change(ip: now.ip, port: now.port, country: now.country, before: then?.build, after: now.build)
            if now.vulnerable && then?.vulnerable != true { diff.newlyExposed.append(change); note("newlyExposed", now) }
            if let then, then.vulnerable && !now.vulnerable { diff.newlyFixed.append(change); note("newlyFixed", now) }
            if let then, then.build != nil, now.build != nil, then.build != now.build { diff.buildChanges.append(change) }
        }
        for (key, then) in before where then.vulnerable && after[key] == nil {
            diff.gone.append(ScanDiff.Change(ip: then.ip, port: then.port, country: then.country, before: then.build, after: nil))
            note("gone", then)
        }
        let order: (ScanDiff.Change, ScanDiff.Change) -> Bool = {
            ResultRow.sortKey(ip: $0.ip, hostname: nil) != ResultRow.sortKey(ip: $1.ip, hostname: nil)
                ? ResultRow.sortKey(ip: $0.ip, hostname: nil) < ResultRow.sortKey(ip: $1.ip, hostname: nil) : $0.port < $1.port
        }
        diff.newlyExposed.sort(by: order)
        diff.newlyFixed.sort(by: order)
        diff.gone.sort(by: order)
        diff.buildChanges.sort(by: order)
        return diff
    }

    /// The number of hosts with `finding` in `status`, scan by scan, oldest first.
    public func history(finding: String = HybridFinding.id, status: FindingStatus = .vulnerable,
                        minConfidence: HostProfile.Confidence = .medium) async throws -> [HistoryPoint] {
        let column = FindingLists.column(for: status)
        let found = try await rows(SQLQuery("""
            SELECT s.name, s.started_at,
                COUNT(DISTINCT CASE WHEN v.\(column) LIKE ? THEN COALESCE(o.ip, o.hostname) END),
                COUNT(DISTINCT COALESCE(o.ip, o.hostname))
            FROM scan s JOIN observation o ON o.scan_id = s.id JOIN verdict v ON v.observation_id = o.id
            WHERE o.detected = 1 AND o.exchange_online = 0 AND o.confidence >= ?
            GROUP BY s.id, s.name, s.started_at ORDER BY s.started_at, s.id
            """, [.text("% \(finding) %"), .of(minConfidence.rank)]))
        return found.map { HistoryPoint(scan: $0.text(0) ?? "", startedAt: $0.text(1) ?? "", count: $0.int(2) ?? 0, exchange: $0.int(3) ?? 0) }
    }
}
