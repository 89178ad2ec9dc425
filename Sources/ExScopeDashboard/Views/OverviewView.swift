import ExScopeCore

/// The overview page's context.
struct OverviewView {
    struct Totals {
        var records, exchangeHosts, exchangeOnline, responded, belowConfidence, withAnomalies: String
    }

    struct Status {
        var vulnerable, patched, indeterminate, notAffected, unknown: String
        var vulnerableShare, patchedShare, indeterminateShare: String
    }

    struct Row {
        var key: String
        var label: String
        var href: String
        var startedAt: String
        var total, vulnerable, patched, indeterminate, notAffected, vulnerableShare: String
    }

    struct ScanChoice {
        var name: String
        var label: String?
        var selected: Bool
    }

    var title: String
    var report: Bool
    var signedIn: Bool
    var scans: [ScanChoice]
    var findingChoices: [Choice]
    var confidenceChoices: [Choice]
    var scanName: String
    var scanLabel: String?
    var startedAt: String?
    var finding: String
    var minConfidence: String
    var totals: Totals
    var status: Status
    var countryChart: BarChart?
    var countries: [Row]
    var products: [Row]
    var cus: [Row]
    var updates: [Row]
    var findings: [Row]
    var historyChart: LineChart?
    var history: [Row]

    init(_ overview: Overview, scans: [ScanSummary], chrome: PageChrome) {
        title = chrome.title
        report = chrome.report
        signedIn = chrome.signedIn
        let scanName = overview.scan.name
        self.scans = scans.map { ScanChoice(name: $0.name, label: $0.label, selected: $0.name == scanName) }
        var findingIDs = overview.findings.map(\.finding)
        if !findingIDs.contains(overview.finding) { findingIDs.insert(overview.finding, at: 0) }
        findingChoices = findingIDs.map { Choice($0, selected: $0 == overview.finding) }
        confidenceChoices = HostProfile.Confidence.allCases.map { Choice($0.rawValue, selected: $0 == overview.minConfidence) }
        self.scanName = scanName
        scanLabel = overview.scan.label
        startedAt = overview.scan.startedAt
        finding = overview.finding
        minConfidence = overview.minConfidence.rawValue
        let t = overview.totals
        totals = Totals(records: Format.count(t.records), exchangeHosts: Format.count(t.exchangeHosts),
                        exchangeOnline: Format.count(t.exchangeOnline), responded: Format.count(t.responded),
                        belowConfidence: Format.count(t.belowConfidence), withAnomalies: Format.count(t.withAnomalies))
        let s = overview.status
        status = Status(vulnerable: Format.count(s.vulnerable), patched: Format.count(s.patched),
                        indeterminate: Format.count(s.indeterminate), notAffected: Format.count(s.notAffected),
                        unknown: Format.count(s.unknown), vulnerableShare: Format.percent(s.vulnerable, of: s.total),
                        patchedShare: Format.percent(s.patched, of: s.total), indeterminateShare: Format.percent(s.indeterminate, of: s.total))
        let finding = overview.finding
        let confidence = overview.minConfidence.rawValue
        func hostsLink(_ filters: [(String, String?)]) -> String {
            "/hosts" + Format.queryString([("scan", scanName), ("finding", finding), ("confidence", confidence)] + filters)
        }
        func row(_ group: GroupCount, href: String = "", startedAt: String = "") -> Row {
            let c = group.counts
            return Row(key: group.key, label: group.label, href: href, startedAt: startedAt, total: Format.count(c.total),
                       vulnerable: Format.count(c.vulnerable), patched: Format.count(c.patched),
                       indeterminate: Format.count(c.indeterminate), notAffected: Format.count(c.notAffected),
                       vulnerableShare: Format.percent(c.vulnerable, of: c.total))
        }
        countries = overview.countries.map { row($0, href: hostsLink([("country", $0.key), ("status", "vulnerable")])) }
        countryChart = overview.countries.isEmpty ? nil : BarChart(title: "Exchange hosts by country, \(finding) status",
                                                                   groups: overview.countries) {
            hostsLink([("country", $0.key)])
        }
        products = overview.products.map { row($0) }
        cus = overview.cus.map { row($0) }
        updates = overview.updates.map { row($0) }
        findings = overview.findings.map { row(GroupCount(key: $0.finding, label: $0.finding, counts: $0.counts)) }
        history = overview.history.map {
            row(GroupCount(key: $0.scan, label: $0.scan, counts: $0.counts), startedAt: $0.startedAt ?? "")
        }
        // `total` of a history row is the Exchange host count, which includes hosts with no verdict.
        for (i, point) in overview.history.enumerated() { history[i].total = Format.count(point.exchangeHosts) }
        historyChart = overview.history.isEmpty ? nil : LineChart(title: "Exchange hosts and \(finding) vulnerable hosts per scan",
                                                                  history: overview.history)
    }
}
