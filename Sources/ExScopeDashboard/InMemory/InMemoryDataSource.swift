public import ExScopeCore
import Synchronization

/// A ``DashboardDataSource`` over scan records held in memory.
///
/// Everything is indexed once, in `init`: records are sorted in the hosts table's order and
/// the fields filters and counts need are kept as small integer columns, so a query reads
/// arrays of integers rather than records. The type is immutable and therefore `Sendable`.
///
/// ```swift
/// let source = InMemoryDataSource(scans: [.init(name: "2025-08-10", records: records)]) { record in
///     geo.lookup(record.ip)
/// }
/// ```
public final class InMemoryDataSource: DashboardDataSource {
    /// One scan to load.
    public struct Scan: Sendable {
        public var name: String
        /// Shown next to the name, e.g. "synthetic".
        public var label: String?
        public var records: [ScanRecord]
        /// Each record's location, in the order of `records`; when empty, the data source's `locate` is asked.
        public var locations: [HostLocation?]

        public init(name: String, label: String? = nil, records: [ScanRecord], locations: [HostLocation?] = []) {
            precondition(locations.isEmpty || locations.count == records.count, "one location per record")
            self.name = name
            self.label = label
            self.records = records
            self.locations = locations
        }
    }

    let scanIndexes: [ScanIndex]
    let tables: InternTables
    let storedAssessment: OrganisationAssessment?
    /// Overviews already computed, by scan, finding and confidence. The data never changes after
    /// `init`, so an answer stays right; at most a few hundred entries (scans × findings × 3).
    let overviewCache = Mutex<[String: Overview]>([:])

    /// Loads and indexes scans.
    /// - Parameters:
    ///   - scans: the scans; they are ordered by their earliest record timestamp (ties keep this order).
    ///   - assessment: the organisation checklist, if there is one.
    ///   - locate: the country/ASN of a record (`nil` for none, e.g. loopback or private addresses), for scans without `locations`.
    public convenience init(scans: consuming [Scan], assessment: OrganisationAssessment? = nil,
                            locate: (ScanRecord) -> HostLocation? = { _ in nil }) {
        self.init(kept: [], tables: InternTables(), adding: consume scans, assessment: assessment, locate: locate)
    }

    /// Keeps the scans named `kept` of `previous` as they were indexed, and loads and indexes `scans`
    /// beside them (a reader of a changing store reads only the scans that changed).
    public convenience init(keeping kept: Set<String>, of previous: InMemoryDataSource, adding scans: consuming [Scan],
                            assessment: OrganisationAssessment?, locate: (ScanRecord) -> HostLocation? = { _ in nil }) {
        // The kept indexes refer to the previous tables by position; new values are appended after them.
        self.init(kept: previous.scanIndexes.filter { kept.contains($0.name) }, tables: previous.tables, adding: consume scans,
                  assessment: assessment, locate: locate)
    }

    private init(kept: [ScanIndex], tables: InternTables, adding scans: consuming [Scan], assessment: OrganisationAssessment?,
                 locate: (ScanRecord) -> HostLocation?) {
        var tables = tables
        var indexes = kept
        for i in scans.indices {
            // Taken out of the scan so that the index, holding the only reference, sorts them in place.
            var records: [ScanRecord] = []
            swap(&records, &scans[i].records)
            indexes.append(ScanIndex(name: scans[i].name, label: scans[i].label, records: consume records, locations: scans[i].locations,
                                     tables: &tables, locate: locate))
            scans[i].locations = []
        }
        let order = indexes.indices.sorted { a, b in
            let x = indexes[a].startedAt ?? "", y = indexes[b].startedAt ?? ""
            return x == y ? a < b : x < y
        }
        scanIndexes = order.map { indexes[$0] }
        self.tables = tables
        storedAssessment = assessment
    }

    func index(_ name: String?) throws -> ScanIndex {
        guard let name else {
            guard let last = scanIndexes.last else { throw DashboardError.noScans }
            return last
        }
        guard let found = scanIndexes.first(where: { $0.name == name }) else { throw DashboardError.unknownScan(name) }
        return found
    }

    public func scans() async throws -> [ScanSummary] { scanIndexes.map(\.summary) }

    public func assessment() async throws -> OrganisationAssessment? { storedAssessment }

    /// Always 0: the data is fixed in `init`.
    public func dataVersion() async throws -> Int { 0 }

    public func host(scan: String?, address: String, port: Int) async throws -> HostDetail? {
        let index = try index(scan)
        guard let row = index.row(of: HostKey(address: address, port: port)) else { return nil }
        return HostDetail(scan: index.name, record: index.records[row], location: index.location(at: row))
    }
}
