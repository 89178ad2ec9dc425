public import ExScopeCore

/// Everything the dashboard reads. The dashboard never scans and never writes: every page
/// is one call to one of these methods, and every `/api/...` endpoint returns the value
/// that call produced, encoded as JSON.
///
/// Implementations: ``InMemoryDataSource`` (tests and `exscope serve --input`), and the CLI's
/// store source, which fills an ``InMemoryDataSource`` from the store's columns and reads a host's
/// full record from the store (`exscope serve`, `report --format html`, `demo`).
///
/// Conventions every implementation must keep:
/// - `scan: nil` means the latest scan (the last one in ``scans()`` order).
/// - An unknown scan name throws ``DashboardError/unknownScan(_:)`` (the dashboard answers 404).
/// - "Exchange hosts" are records whose fingerprint detected on-premises Exchange
///   (`exchange.detected && !exchange.exchangeOnline`) with at least `minConfidence`;
///   Exchange Online is never counted. Counts are unique `address:port` per scan.
/// - Values that came from a scanned server (names, headers, certificate fields) are returned
///   as they are; escaping is the view's job.
public protocol DashboardDataSource: Sendable {
    /// Every scan, oldest first (by start time).
    func scans() async throws -> [ScanSummary]

    /// Totals and breakdowns for one scan, plus the time series across all scans.
    /// - Parameters:
    ///   - scan: the scan name, `nil` for the latest.
    ///   - finding: the finding the shares, country bars and time series are about (e.g. `CVE-2025-53786`).
    ///   - minConfidence: the lowest fingerprint confidence that counts as an Exchange host.
    func overview(scan: String?, finding: String, minConfidence: HostProfile.Confidence) async throws -> Overview

    /// One page of hosts matching `query`, in a stable order (address, then port), after `query.cursor`.
    /// - Throws: ``DashboardError/badCursor`` when the cursor was not produced by this data source.
    func hosts(_ query: HostQuery) async throws -> HostPage

    /// One host of one scan with everything recorded about it, or `nil` when the scan has no such host.
    /// `address` is the record's `ip`, or its `hostname` when it has no address.
    func host(scan: String?, address: String, port: Int) async throws -> HostDetail?

    /// What changed between two scans for one finding.
    /// - Parameter limit: at most this many hosts per list (the counts are always complete).
    func diff(from: String, to: String, finding: String, limit: Int) async throws -> ScanDiff

    /// A number that changes whenever any answer of this source may change (a scan added or
    /// removed, verdicts reassessed, a new assessment). The dashboard keeps rendered pages and API
    /// answers per version and renders again once it changes. A source that never changes returns a constant.
    func dataVersion() async throws -> Int

    /// The organisation checklist from `exscope assess`, or `nil` when none is stored.
    func assessment() async throws -> OrganisationAssessment?
}

/// Errors a data source reports to the dashboard, mapped to HTTP statuses by the routes.
public struct DashboardError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case unknownScan(String)
        case badCursor
        case noScans
    }

    private let code: Code

    /// The named scan does not exist (404).
    public static func unknownScan(_ name: String) -> Self { Self(code: .unknownScan(name)) }
    /// The paging cursor is malformed or from another data source (400).
    public static let badCursor = Self(code: .badCursor)
    /// The data source holds no scan at all (404 on pages that need one).
    public static let noScans = Self(code: .noScans)

    /// Whether the error means "not found" rather than "bad request".
    public var isNotFound: Bool {
        switch code {
        case .unknownScan, .noScans: true
        case .badCursor: false
        }
    }

    public var description: String {
        switch code {
        case .unknownScan(let name): "no scan named '\(name)'"
        case .badCursor: "the cursor is not valid; start again from the first page"
        case .noScans: "no scan results are loaded"
        }
    }
}
