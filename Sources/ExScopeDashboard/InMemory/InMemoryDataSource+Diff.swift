import ExScopeCore

extension InMemoryDataSource {
    public func diff(from: String, to: String, finding: String, limit: Int) async throws -> ScanDiff {
        let old = try index(from), new = try index(to)
        var diff = ScanDiff(from: old.name, to: new.name, finding: finding)
        let vulnerable = StatusCode.code(.vulnerable)
        let oldStatus = old.findingStatus[finding], newStatus = new.findingStatus[finding]
        var countries: [String: (exposed: Int, fixed: Int, gone: Int)] = [:]
        func country(_ index: ScanIndex, _ row: Int) -> String { index.location(at: row)?.countryCode ?? "-" }
        func status(_ column: [Int8]?, _ row: Int?) -> FindingStatus? {
            guard let column, let row else { return nil }
            return StatusCode.status(column[row])
        }
        func entry(_ key: HostKey, oldRow: Int?, newRow: Int?) -> ScanDiff.Entry {
            ScanDiff.Entry(address: key.addressText, port: key.port,
                           countryCode: newRow.flatMap { new.location(at: $0)?.countryCode } ?? oldRow.flatMap { old.location(at: $0)?.countryCode },
                           fromBuild: oldRow.flatMap { old.records[$0].build }, toBuild: newRow.flatMap { new.records[$0].build },
                           fromStatus: status(oldStatus, oldRow), toStatus: status(newStatus, newRow))
        }
        func add(_ change: inout ScanDiff.Change, _ make: @autoclosure () -> ScanDiff.Entry) {
            change.count += 1
            if change.hosts.count < limit { change.hosts.append(make()) }
        }
        for (newRow, key) in new.keys.enumerated() where new.exchangeLevel[newRow] >= 0 {
            let oldRow = old.row(of: key).flatMap { old.exchangeLevel[$0] >= 0 ? $0 : nil }
            let nowVulnerable = newStatus?[newRow] == vulnerable
            let wasVulnerable = oldRow.map { oldStatus?[$0] == vulnerable } ?? false
            if nowVulnerable && !wasVulnerable {
                add(&diff.newlyExposed, entry(key, oldRow: oldRow, newRow: newRow))
                countries[country(new, newRow), default: (0, 0, 0)].exposed += 1
            } else if wasVulnerable && !nowVulnerable {
                add(&diff.newlyFixed, entry(key, oldRow: oldRow, newRow: newRow))
                countries[country(new, newRow), default: (0, 0, 0)].fixed += 1
            }
            if let oldRow, old.records[oldRow].build != new.records[newRow].build {
                add(&diff.buildChanged, entry(key, oldRow: oldRow, newRow: newRow))
            }
        }
        for (oldRow, key) in old.keys.enumerated() where oldStatus?[oldRow] == vulnerable && old.exchangeLevel[oldRow] >= 0 {
            let stillExchange = new.row(of: key).map { new.exchangeLevel[$0] >= 0 } ?? false
            guard !stillExchange else { continue }
            add(&diff.gone, entry(key, oldRow: oldRow, newRow: nil))
            countries[country(old, oldRow), default: (0, 0, 0)].gone += 1
        }
        diff.byCountry = countries.map { code, counts in
            let name = code == "-" ? "No country" : tables.countryIndex(code).map { tables.countryNames[Int($0)] } ?? code
            return ScanDiff.CountryChange(countryCode: code, countryName: name, newlyExposed: counts.exposed,
                                          newlyFixed: counts.fixed, gone: counts.gone)
        }.sorted { ($0.newlyExposed + $0.newlyFixed + $0.gone, $1.countryCode) > ($1.newlyExposed + $1.newlyFixed + $1.gone, $0.countryCode) }
        return diff
    }
}
