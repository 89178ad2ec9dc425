@testable import ExScopeCore
import Testing

/// One row of the verdict table: an input, the date, and what ExScope must say.
struct VerdictCase: CustomTestStringConvertible, Sendable {
    var input: String
    var asOf = "2026-11-27"
    var product: String
    var cu: String?
    var update: String?
    var precision: Precision
    var support: SupportStatus
    var statuses: [String: FindingStatus]
    var testDescription: String { "\(input) on \(asOf)" }
}

private let hybrid = "CVE-2025-53786"
private let proxyLogon = "CVE-2021-26855"
private let proxyShell = "CVE-2021-34473"
private let proxyShellSFB = "CVE-2021-31207"
private let proxyNotShell = "CVE-2022-41082"
private let ntlmRelay = "CVE-2024-21410"
private let aug25 = "CVE-2025-33051"

let verdictCases: [VerdictCase] = [
    // CVE-2025-53786 boundaries: one revision below the April 2025 hotfix, and the hotfix itself.
    .init(input: "15.1.2507.44", product: "exchange-2016", cu: "CU23", update: "Nov24SUv2", precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.1.2507.54", product: "exchange-2016", cu: "CU23", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.1.2507.55", product: "exchange-2016", cu: "CU23", update: "Apr25HU", precision: .exact, support: .endOfLife, statuses: [hybrid: .patched, aug25: .vulnerable]),
    .init(input: "15.2.1544.24", product: "exchange-2019", cu: "CU14", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.2.1544.25", product: "exchange-2019", cu: "CU14", update: "Apr25HU", precision: .exact, support: .endOfLife, statuses: [hybrid: .patched]),
    .init(input: "15.2.1748.23", product: "exchange-2019", cu: "CU15", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.2.1748.24", product: "exchange-2019", cu: "CU15", update: "Apr25HU", precision: .exact, support: .endOfLife, statuses: [hybrid: .patched, aug25: .vulnerable]),
    .init(input: "15.2.2562.17", product: "exchange-se", cu: "RTM", update: nil, precision: .exact, support: .supported, statuses: [hybrid: .patched, aug25: .vulnerable, proxyLogon: .notAffected]),
    // Aug 2025 SU boundaries.
    .init(input: "15.2.1748.36", product: "exchange-2019", cu: "CU15", update: "Aug25SU", precision: .exact, support: .endOfLife, statuses: [aug25: .patched, "CVE-2025-25005": .patched]),
    .init(input: "15.2.1748.35", product: "exchange-2019", cu: "CU15", update: nil, precision: .exact, support: .endOfLife, statuses: [aug25: .vulnerable]),
    .init(input: "15.2.2562.19", product: "exchange-se", cu: "RTM", update: nil, precision: .exact, support: .supported, statuses: [aug25: .vulnerable]),
    .init(input: "15.2.2562.20", product: "exchange-se", cu: "RTM", update: "Aug25SU", precision: .exact, support: .supported, statuses: [aug25: .patched]),
    .init(input: "15.1.2507.57", product: "exchange-2016", cu: "CU23", update: "May25HU", precision: .exact, support: .endOfLife, statuses: [aug25: .vulnerable, hybrid: .patched]),
    .init(input: "15.1.2507.58", product: "exchange-2016", cu: "CU23", update: "Aug25SU", precision: .exact, support: .endOfLife, statuses: [aug25: .patched]),
    // CUs that never got the hotfix: no fix exists.
    .init(input: "15.2.1258.39", product: "exchange-2019", cu: "CU13", update: "Nov24SUv2", precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable, proxyNotShell: .patched]),
    .init(input: "15.1.2375.37", product: "exchange-2016", cu: "CU22", update: "Nov22SU", precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable, proxyNotShell: .patched]),
    .init(input: "15.0.1497.48", product: "exchange-2013", cu: "CU23", update: "Mar23SU", precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable, proxyNotShell: .patched, proxyLogon: .patched, aug25: .vulnerable]),
    // ProxyLogon boundaries (Mar21SU) and CUs that include it.
    .init(input: "15.0.1497.10", product: "exchange-2013", cu: "CU23", update: "Dec20SU", precision: .exact, support: .endOfLife, statuses: [proxyLogon: .vulnerable]),
    .init(input: "15.0.1497.12", product: "exchange-2013", cu: "CU23", update: "Mar21SU", precision: .exact, support: .endOfLife, statuses: [proxyLogon: .patched, proxyShell: .vulnerable]),
    .init(input: "15.1.2176.8", product: "exchange-2016", cu: "CU19", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyLogon: .vulnerable]),
    .init(input: "15.1.2176.9", product: "exchange-2016", cu: "CU19", update: "Mar21SU", precision: .exact, support: .endOfLife, statuses: [proxyLogon: .patched]),
    .init(input: "15.2.792.10", product: "exchange-2019", cu: "CU8", update: "Mar21SU", precision: .exact, support: .endOfLife, statuses: [proxyLogon: .patched, proxyShell: .vulnerable]),
    .init(input: "15.2.858.5", product: "exchange-2019", cu: "CU9", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyLogon: .patched, proxyShell: .vulnerable]),
    .init(input: "15.1.1415.9", product: "exchange-2016", cu: "CU8", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyLogon: .vulnerable]),
    .init(input: "15.1.1261.35", product: "exchange-2016", cu: "CU7", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyLogon: .vulnerable, proxyShell: .vulnerable]),
    // ProxyShell boundaries (Apr21SU / May21SU).
    .init(input: "15.1.2242.8", product: "exchange-2016", cu: "CU20", update: "Apr21SU", precision: .exact, support: .endOfLife, statuses: [proxyShell: .patched, proxyShellSFB: .vulnerable]),
    .init(input: "15.1.2242.10", product: "exchange-2016", cu: "CU20", update: "May21SU", precision: .exact, support: .endOfLife, statuses: [proxyShell: .patched, proxyShellSFB: .patched]),
    .init(input: "15.2.858.9", product: "exchange-2019", cu: "CU9", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyShell: .vulnerable]),
    .init(input: "15.2.922.7", product: "exchange-2019", cu: "CU10", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyShell: .patched, proxyShellSFB: .patched, proxyNotShell: .vulnerable]),
    // ProxyNotShell boundaries (Nov22SU).
    .init(input: "15.2.1118.15", product: "exchange-2019", cu: "CU12", update: "Oct22SU", precision: .exact, support: .endOfLife, statuses: [proxyNotShell: .vulnerable]),
    .init(input: "15.2.1118.20", product: "exchange-2019", cu: "CU12", update: "Nov22SU", precision: .exact, support: .endOfLife, statuses: [proxyNotShell: .patched]),
    .init(input: "15.2.1258.12", product: "exchange-2019", cu: "CU13", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyNotShell: .patched]),
    .init(input: "15.1.2308.27", product: "exchange-2016", cu: "CU21", update: "Mar22SU", precision: .exact, support: .endOfLife, statuses: [proxyNotShell: .vulnerable]),
    // CVE-2024-21410: configuration on 2016, a build on 2019 CU14+.
    .init(input: "15.1.2507.11", product: "exchange-2016", cu: "CU23", update: nil, precision: .exact, support: .endOfLife, statuses: [ntlmRelay: .vulnerable]),
    .init(input: "15.1.2507.12", product: "exchange-2016", cu: "CU23", update: "Aug22SU", precision: .exact, support: .endOfLife, statuses: [ntlmRelay: .indeterminate]),
    .init(input: "15.2.1258.39", product: "exchange-2019", cu: "CU13", update: "Nov24SUv2", precision: .exact, support: .endOfLife, statuses: [ntlmRelay: .indeterminate]),
    .init(input: "15.2.1544.4", product: "exchange-2019", cu: "CU14", update: nil, precision: .exact, support: .endOfLife, statuses: [ntlmRelay: .patched]),
    .init(input: "15.2.922.7", product: "exchange-2019", cu: "CU10", update: nil, precision: .exact, support: .endOfLife, statuses: [ntlmRelay: .vulnerable]),
    // Three-part and AdminDisplayVersion: CU only.
    .init(input: "15.2.1544", product: "exchange-2019", cu: "CU14", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .indeterminate, proxyNotShell: .patched, aug25: .indeterminate]),
    .init(input: "15.2.1748", product: "exchange-2019", cu: "CU15", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .indeterminate]),
    .init(input: "15.2.2562", product: "exchange-se", cu: "RTM", update: nil, precision: .cu, support: .supported, statuses: [hybrid: .patched, aug25: .indeterminate]),
    .init(input: "15.2.1258", product: "exchange-2019", cu: "CU13", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.0.1497", product: "exchange-2013", cu: "CU23", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .vulnerable, proxyLogon: .indeterminate]),
    .init(input: "Version 15.2 (Build 1544.4)", product: "exchange-2019", cu: "CU14", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .indeterminate]),
    .init(input: "version 15.1  (build 2507.6)", product: "exchange-2016", cu: "CU23", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .indeterminate]),
    // Zero padding.
    .init(input: "15.02.1544.011", product: "exchange-2019", cu: "CU14", update: "Apr24HU", precision: .exact, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.01.2507.055", product: "exchange-2016", cu: "CU23", update: "Apr25HU", precision: .exact, support: .endOfLife, statuses: [hybrid: .patched]),
    // Unknown revisions and CUs are placed numerically, never rejected.
    .init(input: "15.2.858.2", product: "exchange-2019", cu: "CU9", update: nil, precision: .exact, support: .endOfLife, statuses: [proxyShell: .vulnerable, proxyLogon: .patched]),
    .init(input: "15.2.1748.30", product: "exchange-2019", cu: "CU15", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .patched, aug25: .vulnerable]),
    .init(input: "15.2.1748.99", product: "exchange-2019", cu: "CU15", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .patched, aug25: .patched]),
    .init(input: "15.2.1000.1", product: "exchange-2019", cu: "CU11", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    .init(input: "15.2.2700.5", product: "exchange-se", cu: nil, update: nil, precision: .cu, support: .supported, statuses: [hybrid: .patched, aug25: .patched]),
    .init(input: "15.1.100.1", product: "exchange-2016", cu: nil, update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .vulnerable]),
    // Product only.
    .init(input: "15.0", product: "exchange-2013", cu: nil, update: nil, precision: .product, support: .endOfLife, statuses: [hybrid: .vulnerable, proxyLogon: .indeterminate]),
    .init(input: "15.1", asOf: "2024-06-01", product: "exchange-2016", cu: nil, update: nil, precision: .product, support: .unknown, statuses: [hybrid: .indeterminate]),
    // Legacy 14.x and 8.x.
    .init(input: "14.3.513.0", product: "exchange-2010", cu: "SP3", update: "RU32", precision: .exact, support: .endOfLife, statuses: [hybrid: .notAffected, "CVE-2021-26857": .patched, proxyLogon: .notAffected]),
    .init(input: "14.3.496.0", product: "exchange-2010", cu: "SP3", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .notAffected, "CVE-2021-26857": .vulnerable]),
    .init(input: "14.2.247.5", product: "exchange-2010", cu: "SP2", update: nil, precision: .exact, support: .endOfLife, statuses: ["CVE-2021-26857": .vulnerable, hybrid: .notAffected]),
    .init(input: "8.3.83.6", product: "exchange-2007", cu: "SP3", update: nil, precision: .exact, support: .endOfLife, statuses: [hybrid: .notAffected, proxyShell: .notAffected]),
    .init(input: "14.3", product: "exchange-2010", cu: "SP3", update: nil, precision: .cu, support: .endOfLife, statuses: [hybrid: .notAffected, "CVE-2021-26857": .indeterminate]),
    // Support status on both sides of each lifecycle date.
    .init(input: "15.0.1497.48", asOf: "2023-04-11", product: "exchange-2013", cu: "CU23", update: "Mar23SU", precision: .exact, support: .supported, statuses: [:]),
    .init(input: "15.0.1497.48", asOf: "2023-04-12", product: "exchange-2013", cu: "CU23", update: "Mar23SU", precision: .exact, support: .endOfLife, statuses: [:]),
    .init(input: "15.0.1473.3", asOf: "2019-06-17", product: "exchange-2013", cu: "CU22", update: nil, precision: .exact, support: .supported, statuses: [:]),
    .init(input: "15.1.2507.61", asOf: "2025-10-14", product: "exchange-2016", cu: "CU23", update: "Oct25SU", precision: .exact, support: .supported, statuses: [:]),
    .init(input: "15.1.2507.61", asOf: "2025-10-15", product: "exchange-2016", cu: "CU23", update: "Oct25SU", precision: .exact, support: .extendedSecurityUpdates, statuses: [:]),
    .init(input: "15.1.2375.37", asOf: "2025-10-15", product: "exchange-2016", cu: "CU22", update: "Nov22SU", precision: .exact, support: .endOfLife, statuses: [:]),
    .init(input: "15.1.2375.37", asOf: "2023-01-09", product: "exchange-2016", cu: "CU22", update: "Nov22SU", precision: .exact, support: .supported, statuses: [:]),
    .init(input: "15.1.2375.37", asOf: "2023-01-10", product: "exchange-2016", cu: "CU22", update: "Nov22SU", precision: .exact, support: .outdatedCU, statuses: [:]),
    .init(input: "15.2.1258.39", asOf: "2025-02-09", product: "exchange-2019", cu: "CU13", update: "Nov24SUv2", precision: .exact, support: .supported, statuses: [:]),
    .init(input: "15.2.1258.39", asOf: "2025-02-10", product: "exchange-2019", cu: "CU13", update: "Nov24SUv2", precision: .exact, support: .outdatedCU, statuses: [:]),
    .init(input: "15.2.1748.39", asOf: "2026-04-14", product: "exchange-2019", cu: "CU15", update: "Oct25SU", precision: .exact, support: .extendedSecurityUpdates, statuses: [:]),
    .init(input: "15.2.1748.39", asOf: "2026-04-20", product: "exchange-2019", cu: "CU15", update: "Oct25SU", precision: .exact, support: .endOfLife, statuses: [:]),
    .init(input: "15.2.1544.44", asOf: "2026-10-31", product: "exchange-2019", cu: "CU14", update: "Aug26SU", precision: .exact, support: .extendedSecurityUpdates, statuses: [:]),
    .init(input: "15.2.1544.44", asOf: "2026-11-01", product: "exchange-2019", cu: "CU14", update: "Aug26SU", precision: .exact, support: .endOfLife, statuses: [:]),
    .init(input: "15.2.1748.10", asOf: "2025-05-01", product: "exchange-2019", cu: "CU15", update: nil, precision: .exact, support: .supported, statuses: [:]),
    .init(input: "15.2.2562.46", asOf: "2026-11-27", product: "exchange-se", cu: "RTM", update: "Aug26SU", precision: .exact, support: .supported, statuses: [hybrid: .patched, aug25: .patched]),
    .init(input: "14.3.123.4", asOf: "2020-10-13", product: "exchange-2010", cu: "SP3", update: nil, precision: .exact, support: .supported, statuses: [:]),
    .init(input: "14.3.123.4", asOf: "2020-10-14", product: "exchange-2010", cu: "SP3", update: nil, precision: .exact, support: .endOfLife, statuses: [:]),
]

@Suite struct VerdictTests {
    @Test(arguments: verdictCases)
    func verdictMatchesTheTable(_ row: VerdictCase) throws {
        let verdict = try bundledCatalog.verdict(for: row.input, asOf: day(row.asOf))
        #expect(verdict.product.id == row.product)
        #expect(verdict.line?.name == row.cu)
        #expect(verdict.update?.name == row.update)
        #expect(verdict.precision == row.precision)
        #expect(verdict.support.status == row.support, "\(verdict.support.reason)")
        for (id, status) in row.statuses {
            #expect(verdict.status(id) == status, "\(id): \(verdict.finding(id)?.reason ?? "missing")")
        }
    }

    @Test func theTableIsBigEnough() {
        #expect(verdictCases.count >= 40)
        #expect(Set(verdictCases.map(\.product)).count == 6)
    }

    @Test func aCUWithoutAFixSaysSoAndNamesTheWayOut() throws {
        let verdict = try bundledCatalog.verdict(for: "15.2.1258.39", asOf: day("2026-11-27"))
        let finding = try #require(verdict.finding("CVE-2025-53786"))
        #expect(finding.fixedIn == nil)
        #expect(finding.reason.hasPrefix("No fix exists for this CU: move to Exchange Server 2019 CU15 with Apr25HU (15.2.1748.24 or later), or to Exchange Server SE"))
        let exchange2013 = try bundledCatalog.verdict(for: "15.0.1497.48", asOf: day("2026-11-27"))
        #expect(exchange2013.finding("CVE-2025-53786")?.reason.contains("Exchange Server SE") == true)
    }

    @Test func patchedHybridBuildStillSaysTheConfigurationIsNeeded() throws {
        let verdict = try bundledCatalog.verdict(for: "15.2.1748.24", asOf: day("2026-11-27"))
        let finding = try #require(verdict.finding("CVE-2025-53786"))
        #expect(finding.status == .patched)
        #expect(finding.fixedIn == "15.2.1748.24")
        #expect(finding.reason.contains("dedicated hybrid app") && finding.reason.contains("keyCredentials"))
        #expect(finding.reason.contains("a build cannot show"))
    }

    @Test func exchange2016NtlmRelayFixIsConfigurationAndSaysSo() throws {
        let verdict = try bundledCatalog.verdict(for: "15.1.2507.61", asOf: day("2026-11-27"))
        let finding = try #require(verdict.finding("CVE-2024-21410"))
        #expect(finding.status == .indeterminate)
        #expect(finding.reason.contains("configuration, not a build"))
        #expect(finding.reason.contains("Extended Protection"))
    }

    @Test func legacyProductsAreNotAffectedByTheHybridFlaw() throws {
        let verdict = try bundledCatalog.verdict(for: "14.3.513.0", asOf: day("2026-11-27"))
        #expect(verdict.finding("CVE-2025-53786")?.reason.contains("hybrid OAuth") == true)
        #expect(verdict.support.status == .endOfLife)
    }

    @Test func supportAdviceNamesSubscriptionEdition() throws {
        for input in ["15.1.2507.61", "15.2.1748.39", "15.2.1258.39"] {
            let verdict = try bundledCatalog.verdict(for: input, asOf: day("2026-11-27"))
            #expect(verdict.support.reason.contains("Exchange Server SE"), "\(input)")
        }
        let esu = try bundledCatalog.verdict(for: "15.2.1748.39", asOf: day("2026-06-01"))
        #expect(esu.support.reason.contains("ESU Period 2") && esu.support.reason.contains("not support"))
    }

    @Test func newerThanTheCatalogAsksForANewerCatalog() throws {
        let verdict = try bundledCatalog.verdict(for: "15.2.1748.60", asOf: day("2026-11-27"))
        #expect(verdict.placement == .newerThanCatalog)
        #expect(verdict.update == nil)
        #expect(verdict.notes.first?.contains("newer catalog") == true)
        #expect(verdict.notes.first?.contains("2026-08-20") == true)
        let newCU = try bundledCatalog.verdict(for: "15.2.2700.5", asOf: day("2026-11-27"))
        #expect(newCU.placement == .newerCUThanCatalog)
        #expect(newCU.notes.first?.contains("newer catalog") == true)
    }

    @Test func interimBuildsNameTheirNeighbours() throws {
        let verdict = try bundledCatalog.verdict(for: "15.2.1748.30", asOf: day("2026-11-27"))
        #expect(verdict.placement == .betweenUpdates)
        #expect(verdict.notes.first?.contains("15.2.1748.26") == true)
        #expect(verdict.notes.first?.contains("15.2.1748.36") == true)
    }

    @Test(arguments: [
        ("", VerdictError.Code.malformed), ("garbage", .malformed), ("15", .malformed), ("15..2.1", .malformed),
        ("15.2.1544.11.3", .malformed), ("15.2.1544.x", .malformed), ("1.2.3.4", .unknownProduct),
        ("16.0.1.1", .unknownProduct), ("15.3.100.1", .unknownProduct), ("15.20.8857.13", .exchangeOnline),
        ("15.2", .ambiguousProduct), ("Version 15.2 (Build 1544.4", .malformed), ("15.2.1544.1234567", .malformed),
        ("15.2.1544.11 ; rm -rf", .malformed), ("\u{1B}[31m15.2.1544.11", .malformed),
    ])
    func badInputIsAClearError(_ input: String, _ code: VerdictError.Code) {
        #expect(throws: VerdictError.self) { try bundledCatalog.verdict(for: input, asOf: day("2026-11-27")) }
        do {
            _ = try bundledCatalog.verdict(for: input, asOf: day("2026-11-27"))
        } catch {
            #expect(error.code == code, "\(input): \(error.reason)")
            #expect(!error.reason.contains("\n") && !error.reason.contains("\u{1B}"))
        }
    }
}
