public import ExScopeCore

/// One scan: a named run of `exscope scan` (or an imported file).
public struct ScanSummary: Sendable, Hashable, Codable {
    /// The scan's name, unique in the data source.
    public var name: String
    /// The earliest and latest record timestamps (RFC 3339), when known.
    public var startedAt: String?
    public var endedAt: String?
    /// Records in the scan (every target written, whatever its status).
    public var records: Int
    /// On-premises Exchange hosts detected (any confidence).
    public var exchangeHosts: Int
    /// A label such as "synthetic" shown next to the name.
    public var label: String?

    public init(name: String, startedAt: String?, endedAt: String?, records: Int, exchangeHosts: Int, label: String? = nil) {
        self.name = name
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.records = records
        self.exchangeHosts = exchangeHosts
        self.label = label
    }
}

/// Counts of one finding's statuses among a set of Exchange hosts.
public struct StatusCounts: Sendable, Hashable, Codable {
    public var vulnerable = 0
    public var patched = 0
    public var indeterminate = 0
    public var notAffected = 0
    /// Hosts with no verdict for the finding (no build, or a build the catalog cannot judge).
    public var unknown = 0

    public init() {}

    /// Every host counted.
    public var total: Int { vulnerable + patched + indeterminate + notAffected + unknown }

    /// Adds one host with `status` (`nil` = unknown).
    public mutating func add(_ status: FindingStatus?, count: Int = 1) {
        switch status {
        case .vulnerable: vulnerable += count
        case .patched: patched += count
        case .indeterminate: indeterminate += count
        case .notAffected: notAffected += count
        case nil: unknown += count
        }
    }

    /// Adds another set of counts.
    public mutating func add(_ other: StatusCounts) {
        vulnerable += other.vulnerable
        patched += other.patched
        indeterminate += other.indeterminate
        notAffected += other.notAffected
        unknown += other.unknown
    }
}

/// One row of a breakdown: a country, product, CU or update, and its counts.
public struct GroupCount: Sendable, Hashable, Codable {
    /// The filter value for the hosts page (country code, product name, CU or update).
    public var key: String
    /// What to show (the country's name; for other groups the key itself).
    public var label: String
    public var counts: StatusCounts

    public init(key: String, label: String, counts: StatusCounts) {
        self.key = key
        self.label = label
        self.counts = counts
    }
}

/// The status shares of one finding over the scan's Exchange hosts.
public struct FindingShare: Sendable, Hashable, Codable {
    public var finding: String
    public var counts: StatusCounts

    public init(finding: String, counts: StatusCounts) {
        self.finding = finding
        self.counts = counts
    }
}

/// One scan's point in the time series of a finding.
public struct HistoryPoint: Sendable, Hashable, Codable {
    public var scan: String
    public var startedAt: String?
    public var exchangeHosts: Int
    public var counts: StatusCounts

    public init(scan: String, startedAt: String?, exchangeHosts: Int, counts: StatusCounts) {
        self.scan = scan
        self.startedAt = startedAt
        self.exchangeHosts = exchangeHosts
        self.counts = counts
    }
}

/// The overview page's data.
public struct Overview: Sendable, Hashable, Codable {
    /// Totals over every record of the scan.
    public struct Totals: Sendable, Hashable, Codable {
        /// Every record written.
        public var records = 0
        /// Records whose target answered over HTTP(S).
        public var responded = 0
        /// On-premises Exchange hosts at or above the minimum confidence.
        public var exchangeHosts = 0
        /// Exchange Online hosts (never counted as on-premises).
        public var exchangeOnline = 0
        /// Exchange hosts below the minimum confidence (left out of every count below).
        public var belowConfidence = 0
        /// Exchange hosts showing at least one anomaly.
        public var withAnomalies = 0

        public init() {}
    }

    public var scan: ScanSummary
    public var finding: String
    public var minConfidence: HostProfile.Confidence
    public var totals: Totals
    /// The finding's statuses over the Exchange hosts.
    public var status: StatusCounts
    /// By country, most hosts first. Hosts with no country are under the key `-`.
    public var countries: [GroupCount]
    public var products: [GroupCount]
    /// Keys are `product · CU`.
    public var cus: [GroupCount]
    /// Keys are `product · CU · update`.
    public var updates: [GroupCount]
    /// Every finding the catalog judged, in id order.
    public var findings: [FindingShare]
    /// The finding across every scan, oldest first.
    public var history: [HistoryPoint]

    public init(scan: ScanSummary, finding: String, minConfidence: HostProfile.Confidence, totals: Totals, status: StatusCounts,
                countries: [GroupCount], products: [GroupCount], cus: [GroupCount], updates: [GroupCount],
                findings: [FindingShare], history: [HistoryPoint]) {
        self.scan = scan
        self.finding = finding
        self.minConfidence = minConfidence
        self.totals = totals
        self.status = status
        self.countries = countries
        self.products = products
        self.cus = cus
        self.updates = updates
        self.findings = findings
        self.history = history
    }
}

/// Where a host is on the network, from the enrichment (MaxMind, IPFire ranges, …).
public struct HostLocation: Sendable, Hashable, Codable {
    /// ISO 3166-1 alpha-2 code, e.g. `DE`.
    public var countryCode: String?
    public var countryName: String?
    public var asn: Int?
    public var asName: String?

    public init(countryCode: String? = nil, countryName: String? = nil, asn: Int? = nil, asName: String? = nil) {
        self.countryCode = countryCode
        self.countryName = countryName
        self.asn = asn
        self.asName = asName
    }
}
