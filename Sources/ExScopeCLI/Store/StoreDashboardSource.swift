import ExScopeCore
import ExScopeDashboard
import ExScopeGeo
import ExScopeStore
import Foundation

/// Builds the dashboard's data from the store: every stored scan's observations, with the
/// verdicts recomputed from the stored builds by the current catalog (as `reassess` does) and
/// the locations the store recorded at import or scan time.
///
/// It loads the scans into memory (the dashboard's in-memory index answers every page from
/// there); a very large store takes memory in proportion to its results.
enum StoreDashboardSource {
    /// - Parameter assessment: the Organisation page's checklist; `nil` shows the latest assessment in the store.
    static func load(_ store: any ResultStore, catalog: Catalog, asOf: CalendarDate,
                     assessment: OrganisationAssessment?) async throws -> InMemoryDataSource {
        var assessment = assessment
        if assessment == nil { assessment = try await storedAssessment(store) }
        let decoder = JSONDecoder()
        var scans: [InMemoryDataSource.Scan] = []
        var locations: [String: HostLocation] = [:]
        for summary in try await store.scans() {
            let rows = try await store.rows(SQLQuery(
                "SELECT r.raw, o.country, o.asn, o.as_org FROM observation o JOIN observation_raw r ON r.observation_id = o.id WHERE o.scan_id = ? ORDER BY o.id",
                [.int(summary.id)]))
            var records: [ScanRecord] = []
            records.reserveCapacity(rows.count)
            for row in rows {
                guard let raw = row.text(0), var record = try? decoder.decode(ScanRecord.self, from: Data(raw.utf8)) else { continue }
                rejudge(&record, catalog: catalog, asOf: asOf)
                if let ip = record.ip, locations[ip] == nil, row.text(1) != nil || row.int(2) != nil {
                    let code = row.text(1)
                    locations[ip] = HostLocation(countryCode: code, countryName: code.flatMap(CountryNames.name(for:)),
                                                 asn: row.int(2), asName: row.text(3))
                }
                records.append(record)
            }
            let label = summary.source == "synthetic" || summary.name.contains("synthetic") ? "\(summary.name) (synthetic)" : nil
            scans.append(.init(name: summary.name, label: label, records: records))
        }
        return InMemoryDataSource(scans: scans, assessment: assessment) { record in record.ip.flatMap { locations[$0] } }
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
              let parsed = try? VersionInput(parsing: build), let verdict = try? catalog.verdict(for: parsed, input: build, asOf: asOf)
        else { return }
        let report = BuildReport(verdict, asOf: asOf)
        record.product = report.product
        record.productId = report.productId
        record.cu = report.cu
        record.update = report.update
        record.support = report.support
        record.supportReason = report.supportReason
        record.findings = report.findings
        record.asOf = asOf
        record.catalogDate = report.catalogDate
    }
}
