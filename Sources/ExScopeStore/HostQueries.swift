public import ExScopeCore

/// Filters for the hosts page; nil means "any".
public struct HostFilter: Sendable, Hashable {
    public var scan: String?
    /// With ``findingStatus``: hosts whose finding has that status (default CVE-2025-53786).
    public var finding: String?
    public var findingStatus: FindingStatus?
    /// The scan status, e.g. `success`.
    public var status: String?
    public var country: String?
    public var asn: Int?
    public var productId: String?
    public var cu: String?
    public var minConfidence: HostProfile.Confidence?
    /// An anomaly code, e.g. `header-contradicts-files`.
    public var anomaly: String?
    /// Only on-premises Exchange (detected, not Exchange Online).
    public var exchangeOnly: Bool

    public init(scan: String? = nil, finding: String? = nil, findingStatus: FindingStatus? = nil, status: String? = nil,
                country: String? = nil, asn: Int? = nil, productId: String? = nil, cu: String? = nil,
                minConfidence: HostProfile.Confidence? = nil, anomaly: String? = nil, exchangeOnly: Bool = false) {
        self.scan = scan
        self.finding = finding
        self.findingStatus = findingStatus
        self.status = status
        self.country = country
        self.asn = asn
        self.productId = productId
        self.cu = cu
        self.minConfidence = minConfidence
        self.anomaly = anomaly
        self.exchangeOnly = exchangeOnly
    }
}

/// A position in the hosts list: the last row's sort key and id (keyset paging).
public struct HostCursor: Sendable, Hashable, Codable {
    public var ipSort: String
    public var id: Int64

    /// An opaque text form for URLs.
    public var token: String { "\(ipSort).\(id)" }

    public init(ipSort: String, id: Int64) {
        self.ipSort = ipSort
        self.id = id
    }

    public init?(token: String) {
        guard let dot = token.lastIndex(of: "."), let id = Int64(token[token.index(after: dot)...]) else { return nil }
        self.init(ipSort: String(token[..<dot]), id: id)
    }
}

/// One row of the hosts page.
public struct HostSummary: Sendable, Hashable, Codable {
    public var id: Int64
    public var ip: String?
    public var port: Int
    public var hostname: String?
    public var status: String
    public var detected: Bool
    public var exchangeOnline: Bool
    public var confidence: String
    public var build: String?
    public var product: String?
    public var cu: String?
    public var update: String?
    public var support: String?
    /// CVE-2025-53786's status.
    public var hybridStatus: String?
    public var country: String?
    public var asn: Int?
    public var asOrganization: String?
    public var serverName: String?
    public var anomalies: [String]
    public var observedAt: String
}

/// One page of hosts and where the next one starts.
public struct HostPage: Sendable, Codable {
    public var hosts: [HostSummary]
    /// nil on the last page.
    public var next: HostCursor?
}

/// One host's full record: the summary, the verdict's finding lists and the raw observation.
public struct HostDetail: Sendable, Codable {
    public var summary: HostSummary
    public var scan: String
    /// Finding id → status, as the current verdict says.
    public var findings: [String: String]
    public var verdictNote: String?
    public var verdictAsOf: String?
    public var verdictCatalogDate: String?
    public var hybridLikely: Bool
    public var tenantId: String?
    /// The `exscope.scan/1` record as the scanner wrote it (evidence, identity, TLS, requests).
    /// Attacker-controlled text: escape it when showing it.
    public var raw: String
}

extension ResultStore {
    static var summaryColumns: String {
        """
        o.id, o.ip, o.port, o.hostname, o.status, o.detected, o.exchange_online, o.confidence, o.build, v.product, v.cu,
        v.update_name, v.support, v.hybrid_status, o.country, o.asn, o.as_org, o.server_name, o.anomalies, o.observed_at, o.ip_sort
        """
    }

    static func summary(_ row: SQLRow) -> HostSummary {
        HostSummary(id: Int64(row.int(0) ?? 0), ip: row.text(1), port: row.int(2) ?? 0, hostname: row.text(3), status: row.text(4) ?? "",
                           detected: row.int(5) == 1, exchangeOnline: row.int(6) == 1,
                           confidence: StoreStatements.confidence(rank: row.int(7)).rawValue, build: row.text(8), product: row.text(9),
                           cu: row.text(10), update: row.text(11), support: row.text(12), hybridStatus: row.text(13),
                           country: row.text(14), asn: row.int(15), asOrganization: row.text(16), serverName: row.text(17),
                           anomalies: (row.text(18) ?? "").split(separator: " ").map(String.init), observedAt: row.text(19) ?? "")
    }

    /// One page of hosts, in address order, after `cursor`.
    /// Uses the `(scan_id, ip_sort, id)` index, so every page costs the same at any depth.
    public func hosts(_ filter: HostFilter, after cursor: HostCursor? = nil, limit: Int = 50) async throws -> HostPage {
        let scan = try await resolveScan(filter.scan)
        var conditions = ["o.scan_id = ?"]
        var arguments: [SQLValue] = [.int(scan.id)]
        if filter.finding != nil || filter.findingStatus != nil {
            conditions.append(Self.findingCondition(filter.finding ?? HybridFinding.id, filter.findingStatus ?? .vulnerable, arguments: &arguments))
        }
        if let status = filter.status { conditions.append("o.status = ?"); arguments.append(.text(status)) }
        if let country = filter.country { conditions.append("o.country = ?"); arguments.append(.text(country)) }
        if let asn = filter.asn { conditions.append("o.asn = ?"); arguments.append(.of(asn)) }
        if let product = filter.productId { conditions.append("v.product_id = ?"); arguments.append(.text(product)) }
        if let cu = filter.cu { conditions.append("v.cu = ?"); arguments.append(.text(cu)) }
        if let minimum = filter.minConfidence {
            conditions.append("o.confidence >= ?")
            arguments.append(.of(StoreStatements.confidenceRank(minimum)))
        }
        if let anomaly = filter.anomaly { conditions.append("o.anomalies LIKE ?"); arguments.append(.text("% \(anomaly) %")) }
        if filter.exchangeOnly { conditions.append("o.detected = 1 AND o.exchange_online = 0") }
        if let cursor {
            conditions.append("(o.ip_sort > ? OR (o.ip_sort = ? AND o.id > ?))")
            arguments += [.text(cursor.ipSort), .text(cursor.ipSort), .int(cursor.id)]
        }
        let limit = max(1, min(limit, 1000))
        let sql = """
            SELECT \(Self.summaryColumns) FROM observation o JOIN verdict v ON v.observation_id = o.id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY o.ip_sort, o.id LIMIT \(limit + 1)
            """
        let found = try await rows(SQLQuery(sql, arguments))
        let page = found.prefix(limit)
        let next = found.count > limit ? page.last.map { HostCursor(ipSort: $0.text(20) ?? "", id: Int64($0.int(0) ?? 0)) } : nil
        return HostPage(hosts: page.map(Self.summary), next: next)
    }

    /// One host's full record by its id.
    public func host(id: Int64) async throws -> HostDetail? {
        let sql = """
            SELECT \(Self.summaryColumns), s.name, v.vulnerable, v.patched, v.indeterminate, v.not_affected, v.verdict_note, v.as_of,
                v.catalog_date, o.hybrid_likely, o.tenant_id, r.raw
            FROM observation o JOIN verdict v ON v.observation_id = o.id JOIN scan s ON s.id = o.scan_id
            LEFT JOIN observation_raw r ON r.observation_id = o.id WHERE o.id = ?
            """
        guard let row = try await rows(SQLQuery(sql, [.int(id)])).first else { return nil }
        var findings: [String: String] = [:]
        for (offset, status) in ["vulnerable", "patched", "indeterminate", "not-affected"].enumerated() {
            for id in (row.text(22 + offset) ?? "").split(separator: " ") { findings[String(id)] = status }
        }
        return HostDetail(summary: Self.summary(row), scan: row.text(21) ?? "", findings: findings, verdictNote: row.text(26),
                          verdictAsOf: row.text(27), verdictCatalogDate: row.text(28), hybridLikely: row.int(29) == 1,
                          tenantId: row.text(30), raw: row.text(31) ?? "")
    }
}
