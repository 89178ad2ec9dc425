import ExScopeCore

/// One scan, loaded and indexed for the dashboard's queries: records sorted by ``HostKey``
/// and, beside them, small columns the filters and counts read without touching the records.
struct ScanIndex: Sendable {
    static let noValue: Int32 = -1

    let name: String
    let label: String?
    let startedAt: String?
    let endedAt: String?
    /// Records in ``HostKey`` order.
    let records: [ScanRecord]
    /// Sorted and unique, one per record.
    let keys: [HostKey]
    /// Index into ``locations`` per row, or `noValue`.
    let locationOf: [Int32]
    let locations: [HostLocation]
    /// Index into the data source's country table per row, or `noValue` for none.
    let countryOf: [Int32]
    let asnOf: [Int64]
    /// -1 not an on-premises Exchange host; otherwise the confidence rank 0 (low) ... 2 (high).
    let exchangeLevel: [Int8]
    let exchangeOnline: [Bool]
    let responded: [Bool]
    let productOf: [Int32]
    let cuOf: [Int32]
    let updateOf: [Int32]
    let anomalyMask: [UInt32]
    /// Finding id to the per-row status code (``StatusCode``).
    let findingStatus: [String: [Int8]]

    var exchangeHosts: Int { exchangeLevel.reduce(0) { $0 + ($1 >= 0 ? 1 : 0) } }

    var summary: ScanSummary {
        ScanSummary(name: name, startedAt: startedAt, endedAt: endedAt, records: records.count, exchangeHosts: exchangeHosts, label: label)
    }

    /// Builds the index. `tables` interns strings shared by every scan (countries, products, CUs).
    /// `given` is each record's location (as in ``InMemoryDataSource/Scan/locations``); when empty, `locate` is asked.
    /// The records are sorted in place: pass the only reference to them to avoid a copy.
    init(name: String, label: String?, records unsorted: consuming [ScanRecord], locations given: [HostLocation?],
         tables: inout InternTables, locate: (ScanRecord) -> HostLocation?) {
        self.name = name
        self.label = label
        var records = consume unsorted
        // Row numbers are sorted rather than records; the records are then moved into place once.
        let unsortedKeys = records.map(HostKey.init(record:))
        var order = Array(records.indices)
        order.sort { unsortedKeys[$0] < unsortedKeys[$1] }  // stable: equal keys keep their order
        // The same address:port twice in one scan: keep the last record written; the others go to the end and are dropped.
        var kept: [Int] = [], dropped: [Int] = []
        kept.reserveCapacity(order.count)
        for (i, row) in order.enumerated() {
            if i + 1 == order.count || unsortedKeys[order[i + 1]] != unsortedKeys[row] { kept.append(row) } else { dropped.append(row) }
        }
        records.permute(by: kept + dropped)
        records.removeLast(dropped.count)
        keys = kept.map { unsortedKeys[$0] }
        self.records = records

        var locationIndex: [HostLocation: Int32] = [:]
        var locations: [HostLocation] = []
        var locationOf = [Int32](repeating: Self.noValue, count: records.count)
        var asnOf = [Int64](repeating: -1, count: records.count)
        var countryOf = locationOf, productOf = locationOf, cuOf = locationOf, updateOf = locationOf
        var exchangeLevel = [Int8](repeating: -1, count: records.count)
        var exchangeOnline = [Bool](repeating: false, count: records.count)
        var responded = exchangeOnline
        var anomalyMask = [UInt32](repeating: 0, count: records.count)
        var findingStatus: [String: [Int8]] = [:]
        var earliest: String?, latest: String?
        for (i, record) in records.enumerated() {
            if !record.timestamp.isEmpty {
                if earliest == nil || record.timestamp < earliest! { earliest = record.timestamp }
                if latest == nil || record.timestamp > latest! { latest = record.timestamp }
            }
            if let location = given.isEmpty ? locate(record) : given[kept[i]] {
                let index = locationIndex[location] ?? {
                    locations.append(location)
                    locationIndex[location] = Int32(locations.count - 1)
                    return Int32(locations.count - 1)
                }()
                locationOf[i] = index
                if let code = location.countryCode { countryOf[i] = tables.country(code, name: location.countryName) }
                if let asn = location.asn { asnOf[i] = Int64(asn) }
            }
            responded[i] = record.status == .success
            if let exchange = record.exchange {
                exchangeOnline[i] = exchange.exchangeOnline
                if exchange.detected && !exchange.exchangeOnline { exchangeLevel[i] = Int8(exchange.confidence.rank) }
                var mask: UInt32 = 0
                for anomaly in exchange.anomalies { mask |= StatusCode.bit(anomaly.code) }
                anomalyMask[i] = mask
            }
            if let product = record.product { productOf[i] = tables.product(product) }
            if let cu = record.cu { cuOf[i] = tables.cu(cu) }
            if let update = record.update { updateOf[i] = tables.update(update) }
            for finding in record.findings {
                if findingStatus[finding.id] == nil { findingStatus[finding.id] = [Int8](repeating: StatusCode.unknown, count: records.count) }
                findingStatus[finding.id]![i] = StatusCode.code(finding.status)
            }
        }
        self.locationOf = locationOf
        self.locations = locations
        self.countryOf = countryOf
        self.asnOf = asnOf
        self.exchangeLevel = exchangeLevel
        self.exchangeOnline = exchangeOnline
        self.responded = responded
        self.productOf = productOf
        self.cuOf = cuOf
        self.updateOf = updateOf
        self.anomalyMask = anomalyMask
        self.findingStatus = findingStatus
        startedAt = earliest
        endedAt = latest
    }

    /// The first row whose key is not `before` (the keys are sorted, so a binary search).
    func firstRow(where before: (HostKey) -> Bool) -> Int {
        var low = 0, high = keys.count
        while low < high {
            let middle = (low + high) / 2
            if before(keys[middle]) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The row of a host, `nil` when the scan does not have it.
    func row(of key: HostKey) -> Int? {
        let row = firstRow { $0 < key }
        return row < keys.count && keys[row] == key ? row : nil
    }

    func location(at row: Int) -> HostLocation? {
        let index = locationOf[row]
        return index == Self.noValue ? nil : locations[Int(index)]
    }
}

extension Array {
    /// Reorders the elements in place so that element `i` is the one that was at `order[i]`
    /// (`order` is a permutation of the indices): each element is moved once, with no second array.
    mutating func permute(by order: [Int]) {
        var placed = [Bool](repeating: false, count: count)
        for start in indices where !placed[start] {
            // Follow the cycle through `start`: each swap puts one element in its final place.
            var i = start
            while !placed[i] {
                placed[i] = true
                let from = order[i]
                if from != start { swapAt(i, from) }
                i = from
            }
        }
    }
}

/// Small integer codes for the columns.
enum StatusCode {
    static let unknown: Int8 = -1

    static func code(_ status: FindingStatus) -> Int8 {
        switch status {
        case .vulnerable: 0
        case .patched: 1
        case .indeterminate: 2
        case .notAffected: 3
        }
    }

    static func status(_ code: Int8) -> FindingStatus? {
        switch code {
        case 0: .vulnerable
        case 1: .patched
        case 2: .indeterminate
        case 3: .notAffected
        default: nil
        }
    }

    static func bit(_ code: HostProfile.Anomaly.Code) -> UInt32 {
        let index = HostProfile.Anomaly.Code.allCases.firstIndex(of: code) ?? 0
        return 1 << UInt32(index % 32)
    }
}

/// Strings shared by every scan, interned to small integers.
struct InternTables: Sendable {
    private(set) var countryCodes: [String] = []
    private(set) var countryNames: [String] = []
    private var countryIndex: [String: Int32] = [:]
    private(set) var products: [String] = []
    private var productIndex: [String: Int32] = [:]
    private(set) var cus: [String] = []
    private var cuIndex: [String: Int32] = [:]
    private(set) var updates: [String] = []
    private var updateIndex: [String: Int32] = [:]

    mutating func country(_ code: String, name: String?) -> Int32 {
        if let index = countryIndex[code] {
            if let name, countryNames[Int(index)] == code { countryNames[Int(index)] = name }
            return index
        }
        countryCodes.append(code)
        countryNames.append(name ?? code)
        countryIndex[code] = Int32(countryCodes.count - 1)
        return Int32(countryCodes.count - 1)
    }

    func countryIndex(_ code: String) -> Int32? { countryIndex[code] }
    func productIndex(_ name: String) -> Int32? { productIndex[name] }
    func cuIndex(_ name: String) -> Int32? { cuIndex[name] }

    mutating func product(_ name: String) -> Int32 { Self.intern(name, &products, &productIndex) }
    mutating func cu(_ name: String) -> Int32 { Self.intern(name, &cus, &cuIndex) }
    mutating func update(_ name: String) -> Int32 { Self.intern(name, &updates, &updateIndex) }

    private static func intern(_ value: String, _ list: inout [String], _ index: inout [String: Int32]) -> Int32 {
        if let existing = index[value] { return existing }
        list.append(value)
        index[value] = Int32(list.count - 1)
        return Int32(list.count - 1)
    }
}
