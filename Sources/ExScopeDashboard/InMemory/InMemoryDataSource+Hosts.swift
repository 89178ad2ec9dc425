import ExScopeCore

extension InMemoryDataSource {
    public func hosts(_ query: HostQuery) async throws -> HostPage {
        let index = try index(query.scan)
        var start = 0
        if let cursor = query.cursor {
            guard let key = HostKey(cursor: cursor) else { throw DashboardError.badCursor }
            // Keyset paging: the first row after the key.
            start = index.firstRow { $0 <= key }
        }
        guard let filter = RowFilter(query: query, index: index, tables: tables) else {
            // A filter value no record has: nothing can match.
            return HostPage(scan: index.name, rows: [], matching: 0, nextCursor: nil)
        }
        let limit = max(1, query.limit)
        var rows: [HostRow] = []
        var matching = 0
        var last: Int?
        var more = false
        for row in 0..<index.records.count where filter.matches(row) {
            matching += 1
            guard row >= start else { continue }
            if rows.count < limit {
                rows.append(makeRow(index, row, finding: query.finding))
                last = row
            } else {
                more = true
            }
        }
        let next = more ? last.map { index.keys[$0].cursor } : nil
        return HostPage(scan: index.name, rows: rows, matching: matching, nextCursor: next)
    }

    private func makeRow(_ index: ScanIndex, _ row: Int, finding: String) -> HostRow {
        let record = index.records[row]
        let level = index.exchangeLevel[row]
        return HostRow(address: index.keys[row].addressText, port: record.port, hostname: record.hostname,
                       location: index.location(at: row), scanStatus: record.status, exchange: level >= 0,
                       exchangeOnline: index.exchangeOnline[row], confidence: record.exchange?.confidence,
                       build: record.build, product: record.product, cu: record.cu, update: record.update,
                       status: record.finding(finding), anomalies: record.exchange?.anomalies.map(\.code) ?? [])
    }
}

/// A host query turned into column comparisons.
private struct RowFilter {
    let index: ScanIndex
    let status: Int8?
    let statusColumn: [Int8]?
    let country: Int32?
    let asn: Int64?
    let product: Int32?
    let cu: Int32?
    let minimum: Int8?
    let anomaly: UInt32?

    /// `nil` when a filter names a value that no record has.
    init?(query: HostQuery, index: ScanIndex, tables: InternTables) {
        self.index = index
        status = query.status.map(StatusCode.code)
        statusColumn = index.findingStatus[query.finding]
        if status != nil && statusColumn == nil { return nil }
        if let code = query.country {
            if code == "-" { country = ScanIndex.noValue } else {
                guard let found = tables.countryIndex(code) else { return nil }
                country = found
            }
        } else {
            country = nil
        }
        asn = query.asn.map(Int64.init)
        if let name = query.product {
            guard let found = tables.productIndex(name) else { return nil }
            product = found
        } else {
            product = nil
        }
        if let name = query.cu {
            guard let found = tables.cuIndex(name) else { return nil }
            cu = found
        } else {
            cu = nil
        }
        minimum = query.minConfidence.map { Int8($0.rank) }
        anomaly = query.anomaly.map(StatusCode.bit)
    }

    func matches(_ row: Int) -> Bool {
        if let minimum, index.exchangeLevel[row] < minimum { return false }
        if let status, let statusColumn, statusColumn[row] != status { return false }
        if let country, index.countryOf[row] != country { return false }
        if let asn, index.asnOf[row] != asn { return false }
        if let product, index.productOf[row] != product { return false }
        if let cu, index.cuOf[row] != cu { return false }
        if let anomaly, index.anomalyMask[row] & anomaly == 0 { return false }
        return true
    }
}
