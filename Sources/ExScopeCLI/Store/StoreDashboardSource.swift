import ExScopeCore
import ExScopeDashboard
import ExScopeGeo
import ExScopeStore
import Foundation
import Synchronization

/// The dashboard's data from the store: every stored scan, with the verdicts recomputed from the
/// stored builds by the current catalog (as `reassess` does) and the locations the store recorded
/// at import or scan time.
///
/// Only the columns the pages filter, count and list are loaded, from the observation and verdict
/// tables, into the dashboard's in-memory index (no stored record is decoded at start-up). A host's
/// page reads its full record (evidence, certificate, requests) from the store when it is asked for,
/// so the store must stay open while the source is used for host pages.
///
/// The store may change while the dashboard runs (`scan --store`, `import`, `assess`
/// in another process): ``dataVersion()`` compares the store's ``StoreRevision`` with the one loaded,
/// and on a difference loads the store again in the background: the scans that changed (added, ended,
/// grown by an import) are read again, the others kept as indexed. A scan still being written is read
/// as it was when first loaded until it ends. Pages keep being answered from the loaded data
/// meanwhile; the version changes (and the dashboard renders again) once the new index is in place.
final class StoreDashboardSource: DashboardDataSource {
    /// One load of the store: its index, the scans' ids, and the revision it was read at.
    struct Loaded: Sendable {
        let index: InMemoryDataSource
        /// Scan name → the store's scan id.
        let scanIDs: [String: Int64]
        let revision: StoreRevision
        /// The scans this load read from the store; the others were kept from the load before.
        let read: [String]
    }

    private struct State {
        var loaded: Loaded
        /// How many loads have been put in place after the first.
        var version = 0
        /// The load under way, if any.
        var reload: Task<Void, Never>?
        /// When the revision was last read.
        var checked: ContinuousClock.Instant?
    }

    let store: any ResultStore
    let catalog: Catalog
    let asOf: CalendarDate
    /// The assessment given on the command line; nil to use the latest stored one.
    let assessmentFile: OrganisationAssessment?
    /// The revision is read at most this often: a query on every request would cost the cached
    /// pages most of their speed (about a third of the requests per second).
    let checkInterval: Duration
    private let state: Mutex<State>

    private init(_ loaded: Loaded, store: any ResultStore, catalog: Catalog, asOf: CalendarDate, assessmentFile: OrganisationAssessment?,
                 checkInterval: Duration) {
        state = Mutex(State(loaded: loaded))
        self.store = store
        self.catalog = catalog
        self.asOf = asOf
        self.assessmentFile = assessmentFile
        self.checkInterval = checkInterval
    }

    /// What is loaded now, and its version.
    var loaded: Loaded { state.withLock { $0.loaded } }
    var version: Int { state.withLock { $0.version } }
    var index: InMemoryDataSource { loaded.index }

    /// Warns on standard error when stored verdicts were judged with a catalog of another date (after
    /// `reassess --catalog`): these pages judge every result again with `catalog`, while `exscope report`
    /// counts the stored verdicts, so the two would disagree without saying why.
    /// - Parameter checkInterval: how often at most ``dataVersion()`` reads the store's revision.
    static func load(_ store: any ResultStore, catalog: Catalog, asOf: CalendarDate, assessment: OrganisationAssessment?,
                     checkInterval: Duration = .seconds(1)) async throws -> StoreDashboardSource {
        let other = try await storeOperation { try await store.scansJudged(otherThan: catalog.date.description) }
        if let first = other.first {
            Terminal.error("warning: \(other.count == 1 ? "scan '\(first.scan)' was" : "\(other.count) scans (such as '\(first.scan)') were") judged "
                           + "with catalog \(first.dates.joined(separator: ", ")) (exscope reassess); these pages judge with catalog \(catalog.date), "
                           + "so counts may differ from exscope report: pass that catalog with --catalog")
        }
        let loaded = try await load(store, catalog: catalog, asOf: asOf, assessment: assessment, previous: nil)
        return StoreDashboardSource(loaded, store: store, catalog: catalog, asOf: asOf, assessmentFile: assessment, checkInterval: checkInterval)
    }

    /// Loads the store; with `previous`, the scans whose state the store's revision shows unchanged
    /// since then are kept from it, not read again.
    private static func load(_ store: any ResultStore, catalog: Catalog, asOf: CalendarDate, assessment: OrganisationAssessment?,
                             previous: Loaded?) async throws -> Loaded {
        // Read first: whatever is written during the load makes the next check differ, and loads again.
        let revision = try await store.revision()
        var assessment = assessment
        if assessment == nil { assessment = try await storedAssessment(store) }
        var verdicts = VerdictMemo(catalog: catalog, asOf: asOf)
        var scans: [InMemoryDataSource.Scan] = []
        var scanIDs: [String: Int64] = [:]
        var kept: Set<String> = []
        // The scans' names only: their counts (`store.scans()`) would read every result of the store.
        for summary in try await store.scanNames() {
            scanIDs[summary.name] = summary.id
            if let previous, previous.scanIDs[summary.name] == summary.id,
               let state = revision.scans[summary.id], previous.revision.scans[summary.id] == state {
                kept.insert(summary.name)
                continue
            }
            var records: [ScanRecord] = [], locations: [HostLocation?] = []
            let count = try await store.resultCount(scan: summary.id)
            records.reserveCapacity(count)
            locations.reserveCapacity(count)
            // One query per scan, its rows handed over as they are read: no page of rows is held.
            try await store.forEachRow(StoredResult.ofScan(summary.id)) { row in
                let result = StoredResult(row)
                records.append(verdicts.record(result))
                locations.append(result.isLocated ? verdicts.location(code: result.country, asn: result.asn, asName: result.asOrganization) : nil)
            }
            let label = summary.source == "synthetic" || summary.name.contains("synthetic") ? "\(summary.name) (synthetic)" : nil
            scans.append(.init(name: summary.name, label: label, records: records, locations: locations))
        }
        let read = scans.map(\.name)
        let index = if let previous {
            InMemoryDataSource(keeping: kept, of: previous.index, adding: consume scans, assessment: assessment)
        } else {
            InMemoryDataSource(scans: consume scans, assessment: assessment)
        }
        return Loaded(index: index, scanIDs: scanIDs, revision: revision, read: read)
    }

    /// The loaded version. At most once per ``checkInterval``, and not while a load is under way, it
    /// reads the store's revision; when the store has changed, it starts loading it again.
    /// A store that cannot be read just now (a lost PostgreSQL connection) leaves the loaded data in use.
    func dataVersion() async throws -> Int {
        let now = ContinuousClock.now
        let due = state.withLock { state in
            guard state.reload == nil, state.checked.map({ now - $0 >= checkInterval }) ?? true else { return false }
            state.checked = now
            return true
        }
        let revision = due ? try? await store.revision() : nil
        return state.withLock { state in
            if let revision, revision != state.loaded.revision, state.reload == nil {
                state.reload = Task { await self.reload() }
            }
            return state.version
        }
    }

    /// Loads the store again (the scans that changed) and puts the new index in place. A failed load
    /// keeps the loaded data (the next ``dataVersion()`` tries again).
    private func reload() async {
        let loaded = try? await Self.load(store, catalog: catalog, asOf: asOf, assessment: assessmentFile, previous: self.loaded)
        state.withLock { state in
            if let loaded {
                state.loaded = loaded
                state.version += 1
            }
            state.reload = nil
        }
    }

    /// Waits for the load under way, if any (tests).
    func reloaded() async {
        await state.withLock { $0.reload }?.value
    }

    func scans() async throws -> [ExScopeDashboard.ScanSummary] { try await index.scans() }
    func overview(scan: String?, finding: String, minConfidence: HostProfile.Confidence) async throws -> Overview {
        try await index.overview(scan: scan, finding: finding, minConfidence: minConfidence)
    }
    func hosts(_ query: HostQuery) async throws -> ExScopeDashboard.HostPage { try await index.hosts(query) }
    func diff(from: String, to: String, finding: String, limit: Int) async throws -> ExScopeDashboard.ScanDiff {
        try await index.diff(from: from, to: to, finding: finding, limit: limit)
    }
    func assessment() async throws -> OrganisationAssessment? { try await index.assessment() }

    /// The indexed host, with its full record read from the store.
    func host(scan: String?, address: String, port: Int) async throws -> ExScopeDashboard.HostDetail? {
        let loaded = loaded
        guard var detail = try await loaded.index.host(scan: scan, address: address, port: port), let id = loaded.scanIDs[detail.scan] else {
            return nil
        }
        let indexed = detail.record
        // The unique (scan, target key) index finds the one row.
        let rows = try await store.rows(SQLQuery("""
            SELECT r.raw FROM observation o JOIN observation_raw r ON r.observation_id = o.id WHERE o.scan_id = ? AND o.target_key = ?
            """, [.int(id), .text(ResultRow.targetKey(ip: indexed.ip, port: port, hostname: indexed.hostname))]))
        if let raw = rows.first?.text(0), var record = try? JSONDecoder().decode(ScanRecord.self, from: Data(raw.utf8)) {
            Self.rejudge(&record, catalog: catalog, asOf: asOf)
            detail.record = record
        }
        return detail
    }

    /// How many earlier assessments the Organisation page lists.
    static let earlierAssessments = 20

    /// The latest assessment `exscope assess` stored, with the earlier ones as its history; `nil` when none is stored.
    static func storedAssessment(_ store: any ResultStore) async throws -> OrganisationAssessment? {
        guard let latest = try await store.latestAssessment(), let report = latest.report else { return nil }
        let earlier = try await store.assessments(limit: earlierAssessments + 1).filter { $0.id != latest.id }.map { stored in
            AssessmentSummary(generatedAt: stored.generatedAt, organisation: stored.organizationName ?? stored.organizationGuid ?? stored.tenantId ?? "?",
                              overall: stored.overall.rawValue,
                              counts: Dictionary(uniqueKeysWithValues: stored.counts.map { ($0.key.rawValue, $0.value) }))
        }
        return OrganisationAssessment(report, earlier: Array(earlier.prefix(earlierAssessments)))
    }

    /// The verdict of a stored observation, from its build, with the catalog in use now.
    static func rejudge(_ record: inout ScanRecord, catalog: Catalog, asOf: CalendarDate) {
        guard let exchange = record.exchange, exchange.detected, !exchange.exchangeOnline, let build = record.build,
              let report = report(build: build, catalog: catalog, asOf: asOf) else { return }
        apply(report, to: &record)
    }

    static func report(build: String, catalog: Catalog, asOf: CalendarDate) -> BuildReport? {
        guard let parsed = try? VersionInput(parsing: build), let verdict = try? catalog.verdict(for: parsed, input: build, asOf: asOf) else { return nil }
        return BuildReport(verdict, asOf: asOf)
    }

    static func apply(_ report: BuildReport, to record: inout ScanRecord) {
        record.product = report.product
        record.productId = report.productId
        record.cu = report.cu
        record.update = report.update
        record.support = report.support
        record.supportReason = report.supportReason
        record.findings = report.findings
        record.asOf = report.asOf
        record.catalogDate = report.catalogDate
    }
}

/// Index records made from stored columns. Verdicts are computed once per distinct build and
/// finding lists once per distinct stored verdict, so records share their strings and arrays.
struct VerdictMemo {
    let catalog: Catalog
    let asOf: CalendarDate
    private var reports: [String: BuildReport?] = [:]
    private var storedFindings: [[String?]: [Finding]] = [:]
    private var locations: [HostLocation: HostLocation] = [:]

    init(catalog: Catalog, asOf: CalendarDate) {
        self.catalog = catalog
        self.asOf = asOf
    }

    /// The index record of one stored result: no evidence, identity, certificate or requests.
    mutating func record(_ result: StoredResult) -> ScanRecord {
        var record = ScanRecord(address: nil, port: result.port, hostname: result.hostname, timestamp: result.observedAt, durationMs: 0,
                                status: ScanStatus(rawValue: result.status) ?? .protocolError, error: nil,
                                evidence: HostEvidence(responses: []), profile: nil, asOf: asOf, catalogDate: catalog.date)
        record.ip = result.ip
        let detected = result.detected, online = result.exchangeOnline
        let anomalies = result.anomalies.compactMap { HostProfile.Anomaly.Code(rawValue: String($0)) }
        // The scanner makes a fingerprint for every host that answered.
        if record.status == .success || detected || online {
            record.exchange = .init(detected: detected, confidence: result.confidence, exchangeOnline: online,
                                    anomalies: anomalies.map { .init(code: $0, text: "") }, signals: [], candidates: [])
        }
        record.build = result.build
        if detected, !online, let build = record.build, let report = report(build) {
            StoreDashboardSource.apply(report, to: &record)
        } else {
            record.product = result.product
            record.cu = result.cu
            record.update = result.update
            record.findings = findings(result)
        }
        return record
    }

    /// A host's location, one shared value (and strings) per distinct location.
    mutating func location(code: String?, asn: Int?, asName: String?) -> HostLocation {
        let location = HostLocation(countryCode: code, countryName: code.flatMap(CountryNames.name(for:)), asn: asn, asName: asName)
        if let known = locations[location] { return known }
        locations[location] = location
        return location
    }

    private mutating func report(_ build: String) -> BuildReport? {
        if let known = reports[build] { return known }
        let report = StoreDashboardSource.report(build: build, catalog: catalog, asOf: asOf)
        reports[build] = report
        return report
    }

    /// The verdict's stored findings, made once per distinct set of lists.
    private mutating func findings(_ result: StoredResult) -> [Finding] {
        let key = result.findingLists
        if let known = storedFindings[key] { return known }
        let made = FindingLists.findings(key).map { Finding(id: String($0.id), status: $0.status, fixedIn: nil, reason: "") }
        storedFindings[key] = made
        return made
    }
}
