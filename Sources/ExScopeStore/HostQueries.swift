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

/// A stored result read from the columns ``columns`` lists, placed first in a statement: the one
/// decoding of the observation and verdict columns, used by the hosts queries and the dashboard's
/// loader. A statement's own columns follow from position ``count``.
public struct StoredResult {
    public static let columns = """
        o.ip, o.port, o.hostname, o.observed_at, o.status, o.detected, o.exchange_online, o.confidence, o.build, o.anomalies,
        o.country, o.asn, o.as_org, v.product, v.cu, v.update_name,
        """ + " " + FindingLists.statuses.map { "v." + FindingLists.column(for: $0) }.joined(separator: ", ")
    public static let count = columns.split(separator: ",").count

    /// Every result of one scan in the order it was stored (the dashboard's load), streamed by the
    /// `(scan_id, id)` index.
    public static func ofScan(_ id: Int64) -> SQLQuery {
        SQLQuery("SELECT \(columns) FROM observation o \(StoreStatements.leftJoinVerdict) WHERE o.scan_id = ? ORDER BY o.id", [.int(id)])
    }

    /// The row; the statement's own columns are read from it at ``count`` and after.
    public let row: SQLRow

    @inlinable public init(_ row: SQLRow) { self.row = row }

    @inlinable public var ip: String? { row.text(0) }
    @inlinable public var port: Int { row.int(1) ?? 0 }
    @inlinable public var hostname: String? { row.text(2) }
    @inlinable public var observedAt: String { row.text(3) ?? "" }
    /// The scan status, e.g. `success`.
    @inlinable public var status: String { row.text(4) ?? "" }
    @inlinable public var detected: Bool { row.int(5) == 1 }
    @inlinable public var exchangeOnline: Bool { row.int(6) == 1 }
    @inlinable public var confidence: HostProfile.Confidence { HostProfile.Confidence(rank: row.int(7) ?? 0) }
    @inlinable public var build: String? { row.text(8) }
    /// The anomaly codes.
    @inlinable public var anomalies: [Substring] { (row.text(9) ?? "").split(separator: " ") }
    /// An ISO country code or an address class; nil when unknown.
    @inlinable public var country: String? { row.text(10) }
    @inlinable public var asn: Int? { row.int(11) }
    @inlinable public var asOrganization: String? { row.text(12) }
    /// Whether the address was located (a country or an ASN).
    @inlinable public var isLocated: Bool { country != nil || asn != nil }
    @inlinable public var product: String? { row.text(13) }
    @inlinable public var cu: String? { row.text(14) }
    @inlinable public var update: String? { row.text(15) }
    /// The verdict's finding lists as stored, in ``FindingLists/statuses`` order.
    @inlinable public var findingLists: [String?] { [row.text(16), row.text(17), row.text(18), row.text(19)] }
    /// The verdict's findings with their statuses.
    public var findings: [(id: Substring, status: FindingStatus)] { FindingLists.findings(findingLists) }
}

extension ResultStore {
    /// The columns a host summary reads after ``StoredResult/columns``, in this order.
    static var summaryExtras: [String] { ["o.id", "v.support", "v.hybrid_status", "o.server_name", "o.ip_sort"] }
    static var summaryColumns: String { ([StoredResult.columns] + summaryExtras).joined(separator: ", ") }

    static func summary(_ row: SQLRow) -> HostSummary {
        let result = StoredResult(row), own = StoredResult.count
        return HostSummary(id: Int64(row.int(own) ?? 0), ip: result.ip, port: result.port, hostname: result.hostname, status: result.status,
                           detected: result.detected, exchangeOnline: result.exchangeOnline, confidence: result.confidence.rawValue,
                           build: result.build, product: result.product, cu: result.cu, update: result.update, support: row.text(own + 1),
                           hybridStatus: row.text(own + 2), country: result.country, asn: result.asn, asOrganization: result.asOrganization,
                           serverName: row.text(own + 3), anomalies: result.anomalies.map(String.init), observedAt: result.observedAt)
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
            arguments.append(.of(minimum.rank))
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
        let own = StoredResult.count
        let next = found.count > limit ? page.last.map { HostCursor(ipSort: $0.text(own + 4) ?? "", id: Int64($0.int(own) ?? 0)) } : nil
        return HostPage(hosts: page.map(Self.summary), next: next)
    }

    /// One host's full record by its id.
    public func host(id: Int64) async throws -> HostDetail? {
        let sql = """
            SELECT \(Self.summaryColumns), s.name, v.verdict_note, v.as_of, v.catalog_date, o.hybrid_likely, o.tenant_id, r.raw
            FROM observation o JOIN verdict v ON v.observation_id = o.id JOIN scan s ON s.id = o.scan_id
            LEFT JOIN observation_raw r ON r.observation_id = o.id WHERE o.id = ?
            """
        guard let row = try await rows(SQLQuery(sql, [.int(id)])).first else { return nil }
        var findings: [String: String] = [:]
        for finding in StoredResult(row).findings { findings[String(finding.id)] = finding.status.rawValue }
        let own = StoredResult.count + Self.summaryExtras.count
        return HostDetail(summary: Self.summary(row), scan: row.text(own) ?? "", findings: findings, verdictNote: row.text(own + 1),
                          verdictAsOf: row.text(own + 2), verdictCatalogDate: row.text(own + 3), hybridLikely: row.int(own + 4) == 1,
                          tenantId: row.text(own + 5), raw: row.text(own + 6) ?? "")
    }
}
