import ExScopeCore

/// The scans page's context.
struct ScansView {
    struct Row {
        var name, href, startedAt, endedAt, records, exchangeHosts: String
        var label: String?
    }

    var title = "Scans"
    var report = false
    var signedIn: Bool
    var scans: [Row]
    var fromChoices: [Choice]
    var toChoices: [Choice]

    init(_ scans: [ScanSummary], signedIn: Bool) {
        self.signedIn = signedIn
        self.scans = scans.map {
            Row(name: $0.name, href: "/" + Format.queryString([("scan", $0.name)]), startedAt: $0.startedAt ?? "",
                endedAt: $0.endedAt ?? "", records: Format.count($0.records), exchangeHosts: Format.count($0.exchangeHosts), label: $0.label)
        }
        let count = scans.count
        fromChoices = scans.enumerated().map { Choice($1.name, selected: $0 == max(0, count - 2)) }
        toChoices = scans.enumerated().map { Choice($1.name, selected: $0 == count - 1) }
    }
}

/// The diff page's context.
struct DiffView {
    struct Host {
        var address, port, country, fromBuild, toBuild, fromStatus, toStatus, href: String
    }

    struct List {
        var title: String
        var count: String
        var hosts: [Host]
        var truncated: Bool
        var shown: String
    }

    var title: String
    var report = false
    var signedIn: Bool
    var from, to, finding, newlyExposed, newlyFixed, gone, buildChanged: String
    var byCountry: [ScanDiff.CountryChange]
    var lists: [List]

    init(_ diff: ScanDiff, signedIn: Bool) {
        title = "\(diff.from) → \(diff.to)"
        self.signedIn = signedIn
        from = diff.from
        to = diff.to
        finding = diff.finding
        newlyExposed = Format.count(diff.newlyExposed.count)
        newlyFixed = Format.count(diff.newlyFixed.count)
        gone = Format.count(diff.gone.count)
        buildChanged = Format.count(diff.buildChanged.count)
        byCountry = diff.byCountry
        func list(_ title: String, _ change: ScanDiff.Change, scan: String) -> List {
            List(title: title, count: Format.count(change.count), hosts: change.hosts.map {
                Host(address: $0.address, port: String($0.port), country: $0.countryCode ?? "", fromBuild: $0.fromBuild ?? "",
                     toBuild: $0.toBuild ?? "", fromStatus: $0.fromStatus?.rawValue ?? "", toStatus: $0.toStatus?.rawValue ?? "",
                     href: Format.hostLink(scan: scan, address: $0.address, port: $0.port))
            }, truncated: change.hosts.count < change.count, shown: Format.count(change.hosts.count))
        }
        lists = [list("Newly exposed", diff.newlyExposed, scan: diff.to), list("Newly fixed", diff.newlyFixed, scan: diff.to),
                 list("Vulnerable, now gone", diff.gone, scan: diff.from), list("Build changed", diff.buildChanged, scan: diff.to)]
    }
}

/// The organisation page's context.
struct OrganisationView {
    struct Item {
        var scope, action, status, statusClass: String
        var evidence, nextCommand: String
    }

    struct Earlier {
        var generatedAt, organisation, overall, statusClass, counts: String
    }

    struct Assessment {
        var title: String
        var generatedAt: String?
        var items: [Item]
        var earlier: [Earlier]
        /// Stored, not computed: the templates see stored properties only.
        var hasEarlier: Bool
    }

    var title = "Organisation"
    var report = false
    var signedIn: Bool
    var assessment: Assessment?

    init(_ assessment: OrganisationAssessment?, signedIn: Bool) {
        self.signedIn = signedIn
        self.assessment = assessment.map { a in
            Assessment(title: a.title, generatedAt: a.generatedAt, items: a.items.map { item in
                Item(scope: item.scope, action: item.action, status: item.status, statusClass: Self.statusClass(item.status),
                     evidence: item.evidence ?? "", nextCommand: item.nextCommand ?? "")
            }, earlier: a.earlier.map { summary in
                Earlier(generatedAt: summary.generatedAt, organisation: summary.organisation, overall: summary.overall,
                        statusClass: Self.statusClass(summary.overall),
                        counts: summary.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
            }, hasEarlier: !a.earlier.isEmpty)
        }
    }

    /// Green for done, grey for statuses that need nothing, red for the rest.
    static func statusClass(_ status: String) -> String {
        switch status.lowercased() {
        case "done", "ok", "pass", "passed", "complete", "completed", "yes": "status-done"
        case "not-applicable", "n/a": "status-neutral"
        default: "status-todo"
        }
    }
}
