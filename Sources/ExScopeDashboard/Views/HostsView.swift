import ExScopeCore

/// The hosts page's context.
struct HostsView {
    struct Query {
        var finding: String
        var country: String
        var asn: String
        var product: String
        var cu: String
        var limit: String
    }

    struct ScanChoice {
        var name: String
        var selected: Bool
    }

    struct Row {
        var address, port, hostname, country, asn, product, cu, update, build, confidence, status, anomalies, href: String
    }

    var title = "Hosts"
    var report = false
    var signedIn: Bool
    var scans: [ScanChoice]
    var query: Query
    var statusChoices: [Choice]
    var confidenceChoices: [Choice]
    var anomalyChoices: [Choice]
    var scan: String
    var matching: String
    var rows: [Row]
    var firstHref: String?
    var nextHref: String?

    init(_ page: HostPage, query q: HostQuery, scans: [ScanSummary], signedIn: Bool) {
        self.signedIn = signedIn
        scan = page.scan
        self.scans = scans.map { ScanChoice(name: $0.name, selected: $0.name == page.scan) }
        query = Query(finding: q.finding, country: q.country ?? "", asn: q.asn.map(String.init) ?? "", product: q.product ?? "",
                      cu: q.cu ?? "", limit: String(q.limit))
        statusChoices = [Choice("", text: "any", selected: q.status == nil)]
            + FindingStatus.allCases.map { Choice($0.rawValue, selected: $0 == q.status) }
        confidenceChoices = [Choice("", text: "every record", selected: q.minConfidence == nil)]
            + HostProfile.Confidence.allCases.map { Choice($0.rawValue, text: "Exchange, \($0.rawValue) or higher", selected: $0 == q.minConfidence) }
        anomalyChoices = [Choice("", text: "any or none", selected: q.anomaly == nil)]
            + HostProfile.Anomaly.Code.allCases.map { Choice($0.rawValue, selected: $0 == q.anomaly) }
        matching = Format.count(page.matching)
        rows = page.rows.map { row in
            Row(address: row.address, port: String(row.port), hostname: row.hostname ?? "",
                country: row.location?.countryCode ?? "", asn: row.location?.asn.map { "AS\($0)" } ?? "",
                product: row.product ?? (row.exchangeOnline ? "Exchange Online" : row.exchange ? "Exchange (no build)" : ""),
                cu: row.cu ?? "", update: row.update ?? "", build: row.build ?? "", confidence: row.confidence?.rawValue ?? "",
                status: row.status?.rawValue ?? (row.scanStatus == .success ? "" : row.scanStatus.rawValue),
                anomalies: row.anomalies.map(\.rawValue).joined(separator: ", "),
                href: Format.hostLink(scan: page.scan, address: row.address, port: row.port))
        }
        let filters: [(String, String?)] = [
            ("scan", page.scan), ("finding", q.finding), ("status", q.status?.rawValue), ("country", q.country),
            ("asn", q.asn.map(String.init)), ("product", q.product), ("cu", q.cu), ("confidence", q.minConfidence?.rawValue),
            ("anomaly", q.anomaly?.rawValue), ("limit", String(q.limit)),
        ]
        firstHref = q.cursor == nil ? nil : "/hosts" + Format.queryString(filters)
        nextHref = page.nextCursor.map { "/hosts" + Format.queryString(filters + [("cursor", $0)]) }
    }
}
