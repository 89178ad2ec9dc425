public import ExScopeCore
import Synchronization

extension InMemoryDataSource {
    public func overview(scan: String?, finding: String, minConfidence: HostProfile.Confidence) async throws -> Overview {
        let index = try index(scan)
        let cacheKey = "\(index.name)\u{0}\(finding)\u{0}\(minConfidence.rawValue)"
        if let cached = overviewCache.withLock({ $0[cacheKey] }) { return cached }
        let overview = computeOverview(index, finding: finding, minConfidence: minConfidence)
        overviewCache.withLock { cache in
            if cache.count < 1024 { cache[cacheKey] = overview }
        }
        return overview
    }

    private func computeOverview(_ index: ScanIndex, finding: String, minConfidence: HostProfile.Confidence) -> Overview {
        let minimum = Int8(minConfidence.rank)
        let statusColumn = index.findingStatus[finding]
        var totals = Overview.Totals()
        var status = StatusCounts()
        var byCountry = [StatusCounts](repeating: StatusCounts(), count: tables.countryCodes.count)
        var noCountry = StatusCounts()
        var byProduct = [StatusCounts](repeating: StatusCounts(), count: tables.products.count)
        var byCU: [Int64: StatusCounts] = [:]
        var byUpdate: [Int64: StatusCounts] = [:]
        var isCounted = [Bool](repeating: false, count: index.records.count)
        totals.records = index.records.count
        for row in 0..<index.records.count {
            if index.responded[row] { totals.responded += 1 }
            if index.exchangeOnline[row] { totals.exchangeOnline += 1 }
            let level = index.exchangeLevel[row]
            guard level >= 0 else { continue }
            guard level >= minimum else {
                totals.belowConfidence += 1
                continue
            }
            isCounted[row] = true
            totals.exchangeHosts += 1
            if index.anomalyMask[row] != 0 { totals.withAnomalies += 1 }
            let code = statusColumn?[row] ?? StatusCode.unknown
            let value = StatusCode.status(code)
            status.add(value)
            let country = index.countryOf[row]
            if country >= 0 { byCountry[Int(country)].add(value) } else { noCountry.add(value) }
            let product = index.productOf[row]
            guard product >= 0 else { continue }
            byProduct[Int(product)].add(value)
            let cu = index.cuOf[row]
            guard cu >= 0 else { continue }
            let cuKey = Int64(product) << 32 | Int64(cu)
            byCU[cuKey, default: StatusCounts()].add(value)
            let update = index.updateOf[row]
            if update >= 0 { byUpdate[cuKey << 16 | Int64(update), default: StatusCounts()].add(value) }
        }
        var countries: [GroupCount] = byCountry.indices.compactMap { i in
            byCountry[i].total == 0 ? nil : GroupCount(key: tables.countryCodes[i], label: tables.countryNames[i], counts: byCountry[i])
        }
        if noCountry.total > 0 { countries.append(GroupCount(key: "-", label: "No country (private or unknown)", counts: noCountry)) }
        let products = byProduct.indices.compactMap { i in
            byProduct[i].total == 0 ? nil : GroupCount(key: tables.products[i], label: tables.products[i], counts: byProduct[i])
        }
        let cus = byCU.map { key, counts in
            let label = "\(tables.products[Int(key >> 32)]) · \(tables.cus[Int(key & 0xFFFF_FFFF)])"
            return GroupCount(key: tables.cus[Int(key & 0xFFFF_FFFF)], label: label, counts: counts)
        }
        let updates = byUpdate.map { key, counts in
            let cuKey = key >> 16
            let label = "\(tables.products[Int(cuKey >> 32)]) · \(tables.cus[Int(cuKey & 0xFFFF_FFFF)]) · \(tables.updates[Int(key & 0xFFFF)])"
            return GroupCount(key: tables.updates[Int(key & 0xFFFF)], label: label, counts: counts)
        }
        var findings: [FindingShare] = []
        for id in index.findingStatus.keys.sorted() {
            guard let column = index.findingStatus[id] else { continue }
            var counts = StatusCounts()
            for row in 0..<column.count where isCounted[row] { counts.add(StatusCode.status(column[row])) }
            findings.append(FindingShare(finding: id, counts: counts))
        }
        return Overview(scan: index.summary, finding: finding, minConfidence: minConfidence, totals: totals, status: status,
                        countries: Self.ranked(countries), products: Self.ranked(products), cus: Self.ranked(cus),
                        updates: Self.ranked(updates), findings: findings,
                        history: scanIndexes.map { history(of: $0, finding: finding, minimum: minimum) })
    }

    private func history(of index: ScanIndex, finding: String, minimum: Int8) -> HistoryPoint {
        var counts = StatusCounts()
        var hosts = 0
        let column = index.findingStatus[finding]
        for row in 0..<index.exchangeLevel.count where index.exchangeLevel[row] >= minimum {
            hosts += 1
            counts.add(StatusCode.status(column?[row] ?? StatusCode.unknown))
        }
        return HistoryPoint(scan: index.name, startedAt: index.startedAt, exchangeHosts: hosts, counts: counts)
    }

    /// Most hosts first, then most vulnerable, then by label.
    private static func ranked(_ groups: [GroupCount]) -> [GroupCount] {
        groups.sorted { a, b in
            if a.counts.total != b.counts.total { return a.counts.total > b.counts.total }
            if a.counts.vulnerable != b.counts.vulnerable { return a.counts.vulnerable > b.counts.vulnerable }
            return a.label < b.label
        }
    }
}
