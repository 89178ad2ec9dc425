public import ExScopeCore

/// The hosts page's filters and paging. Every filter is optional; they combine with AND.
public struct HostQuery: Sendable, Hashable, Codable {
    /// The scan, `nil` for the latest.
    public var scan: String?
    /// The finding that `status` refers to and whose status each row shows.
    public var finding: String
    /// Only hosts whose `finding` has this status.
    public var status: FindingStatus?
    /// ISO country code; `-` selects hosts with no country.
    public var country: String?
    public var asn: Int?
    /// Product name as in the record, e.g. `Exchange Server 2019`.
    public var product: String?
    /// CU as in the record, e.g. `CU14`.
    public var cu: String?
    /// Only Exchange hosts (on-premises, detected) with at least this confidence.
    /// `nil` lists every record, including failed targets and non-Exchange hosts.
    public var minConfidence: HostProfile.Confidence?
    /// Only hosts with this anomaly.
    public var anomaly: HostProfile.Anomaly.Code?
    /// Rows per page (the routes allow 1...500).
    public var limit: Int
    /// The ``HostPage/nextCursor`` of the previous page; `nil` for the first page.
    public var cursor: String?

    public init(scan: String? = nil, finding: String = "CVE-2025-53786", status: FindingStatus? = nil, country: String? = nil,
                asn: Int? = nil, product: String? = nil, cu: String? = nil, minConfidence: HostProfile.Confidence? = nil,
                anomaly: HostProfile.Anomaly.Code? = nil, limit: Int = 50, cursor: String? = nil) {
        self.scan = scan
        self.finding = finding
        self.status = status
        self.country = country
        self.asn = asn
        self.product = product
        self.cu = cu
        self.minConfidence = minConfidence
        self.anomaly = anomaly
        self.limit = limit
        self.cursor = cursor
    }
}

/// One row of the hosts table.
public struct HostRow: Sendable, Hashable, Codable {
    /// The record's `ip`, or its `hostname` when it has none; with `port` the host's key.
    public var address: String
    public var port: Int
    public var hostname: String?
    public var location: HostLocation?
    public var scanStatus: ScanStatus
    public var exchange: Bool
    public var exchangeOnline: Bool
    public var confidence: HostProfile.Confidence?
    public var build: String?
    public var product: String?
    public var cu: String?
    public var update: String?
    /// The status of the query's finding, `nil` when there is no verdict.
    public var status: FindingStatus?
    public var anomalies: [HostProfile.Anomaly.Code]

    public init(address: String, port: Int, hostname: String?, location: HostLocation?, scanStatus: ScanStatus, exchange: Bool,
                exchangeOnline: Bool, confidence: HostProfile.Confidence?, build: String?, product: String?, cu: String?,
                update: String?, status: FindingStatus?, anomalies: [HostProfile.Anomaly.Code]) {
        self.address = address
        self.port = port
        self.hostname = hostname
        self.location = location
        self.scanStatus = scanStatus
        self.exchange = exchange
        self.exchangeOnline = exchangeOnline
        self.confidence = confidence
        self.build = build
        self.product = product
        self.cu = cu
        self.update = update
        self.status = status
        self.anomalies = anomalies
    }
}

/// One page of hosts.
public struct HostPage: Sendable, Hashable, Codable {
    public var scan: String
    public var rows: [HostRow]
    /// Hosts matching the filters in the whole scan (not only this page).
    public var matching: Int
    /// Pass as ``HostQuery/cursor`` for the next page; `nil` on the last page.
    public var nextCursor: String?

    public init(scan: String, rows: [HostRow], matching: Int, nextCursor: String?) {
        self.scan = scan
        self.rows = rows
        self.matching = matching
        self.nextCursor = nextCursor
    }
}

/// Everything recorded about one host.
public struct HostDetail: Sendable, Hashable, Codable {
    public var scan: String
    /// The record as `exscope scan` wrote it.
    public var record: ScanRecord
    public var location: HostLocation?

    public init(scan: String, record: ScanRecord, location: HostLocation?) {
        self.scan = scan
        self.record = record
        self.location = location
    }
}

/// What changed for one finding between two scans. Hosts are matched by `address:port`.
public struct ScanDiff: Sendable, Hashable, Codable {
    /// One host in a diff list.
    public struct Entry: Sendable, Hashable, Codable {
        public var address: String
        public var port: Int
        public var countryCode: String?
        public var fromBuild: String?
        public var toBuild: String?
        public var fromStatus: FindingStatus?
        public var toStatus: FindingStatus?

        public init(address: String, port: Int, countryCode: String?, fromBuild: String?, toBuild: String?,
                    fromStatus: FindingStatus?, toStatus: FindingStatus?) {
            self.address = address
            self.port = port
            self.countryCode = countryCode
            self.fromBuild = fromBuild
            self.toBuild = toBuild
            self.fromStatus = fromStatus
            self.toStatus = toStatus
        }
    }

    /// A list of hosts, possibly cut to the limit, with its full count.
    public struct Change: Sendable, Hashable, Codable {
        public var count = 0
        public var hosts: [Entry] = []

        public init() {}
    }

    /// Per country: how many became exposed, were fixed, or are gone.
    public struct CountryChange: Sendable, Hashable, Codable {
        public var countryCode: String
        public var countryName: String
        public var newlyExposed: Int
        public var newlyFixed: Int
        public var gone: Int

        public init(countryCode: String, countryName: String, newlyExposed: Int, newlyFixed: Int, gone: Int) {
            self.countryCode = countryCode
            self.countryName = countryName
            self.newlyExposed = newlyExposed
            self.newlyFixed = newlyFixed
            self.gone = gone
        }
    }

    public var from: String
    public var to: String
    public var finding: String
    /// Vulnerable in `to`, and absent or not vulnerable in `from`.
    public var newlyExposed = Change()
    /// Vulnerable in `from`, present and not vulnerable in `to`.
    public var newlyFixed = Change()
    /// Vulnerable in `from`, no longer an Exchange host in `to`.
    public var gone = Change()
    /// An Exchange host in both scans whose build changed.
    public var buildChanged = Change()
    public var byCountry: [CountryChange] = []

    public init(from: String, to: String, finding: String) {
        self.from = from
        self.to = to
        self.finding = finding
    }
}

/// The organisation assessment, reduced to what the checklist view shows. The store converts
/// whatever `exscope assess` stored (its `AssessmentReport`) into this shape.
public struct OrganisationAssessment: Sendable, Hashable, Codable {
    public var title: String
    public var generatedAt: String?
    public var items: [ChecklistItem]
    /// Earlier stored assessments, latest first (empty when only one is known).
    public var earlier: [AssessmentSummary]

    public init(title: String, generatedAt: String?, items: [ChecklistItem], earlier: [AssessmentSummary] = []) {
        self.title = title
        self.generatedAt = generatedAt
        self.items = items
        self.earlier = earlier
    }

    enum CodingKeys: String, CodingKey { case title, generatedAt, items, earlier }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        generatedAt = try c.decodeIfPresent(String.self, forKey: .generatedAt)
        items = try c.decode([ChecklistItem].self, forKey: .items)
        // Files written before the history existed have no `earlier`.
        earlier = try c.decodeIfPresent([AssessmentSummary].self, forKey: .earlier) ?? []
    }
}

/// One stored assessment in the Organisation page's history.
public struct AssessmentSummary: Sendable, Hashable, Codable {
    public var generatedAt: String
    /// The organisation's name or GUID.
    public var organisation: String
    /// The worst action status.
    public var overall: String
    /// Organisation-level actions per status (`done`, `action-required`, …).
    public var counts: [String: Int]

    public init(generatedAt: String, organisation: String, overall: String, counts: [String: Int]) {
        self.generatedAt = generatedAt
        self.organisation = organisation
        self.overall = overall
        self.counts = counts
    }
}

/// One step of the ED 25-02 checklist.
public struct ChecklistItem: Sendable, Hashable, Codable {
    /// What the step is about: a server, the tenant, the organisation.
    public var scope: String
    public var action: String
    /// Free text such as `done`, `to-do`, `failed`, `unknown` (shown as given).
    public var status: String
    public var evidence: String?
    /// The command that moves the step forward or proves it done.
    public var nextCommand: String?

    public init(scope: String, action: String, status: String, evidence: String?, nextCommand: String?) {
        self.scope = scope
        self.action = action
        self.status = status
        self.evidence = evidence
        self.nextCommand = nextCommand
    }
}
