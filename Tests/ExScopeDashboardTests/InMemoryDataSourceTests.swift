import ExScopeCore
@testable import ExScopeDashboard
import Testing

@Suite struct InMemoryDataSourceTests {
    @Test func theOverviewCountsMatchACountOverTheRecords() async throws {
        let source = try await DashboardFixture.dataSource()
        let records = try await DashboardFixture.scanned.value
        let overview = try await source.overview(scan: "aug-10", finding: "CVE-2025-53786", minConfidence: .medium)
        let counted = records.filter { r in
            guard let ex = r.exchange else { return false }
            return ex.detected && !ex.exchangeOnline && ex.confidence >= .medium
        }
        #expect(overview.totals.records == records.count)
        #expect(overview.totals.exchangeHosts == counted.count)
        #expect(overview.status.vulnerable == counted.filter { $0.finding("CVE-2025-53786") == .vulnerable }.count)
        #expect(overview.status.patched == counted.filter { $0.finding("CVE-2025-53786") == .patched }.count)
        #expect(overview.countries.map(\.counts.total).reduce(0, +) == counted.count)
        #expect(overview.status.vulnerable > 0 && overview.status.patched > 0)
        #expect(overview.history.map(\.scan) == ["aug-10", "aug-20"])
        #expect(overview.history[1].counts.vulnerable == overview.history[0].counts.vulnerable - 5)
    }

    @Test func pagingWithTheCursorVisitsEveryMatchingHostOnceInOrder() async throws {
        let source = try await DashboardFixture.dataSource()
        var query = HostQuery(scan: "aug-10", minConfidence: .low, limit: 7)
        var seen: [String] = []
        var pages = 0
        repeat {
            let page = try await source.hosts(query)
            seen += page.rows.map { "\($0.address):\($0.port)" }
            query.cursor = page.nextCursor
            pages += 1
            #expect(page.rows.count <= 7)
        } while query.cursor != nil && pages < 100
        let all = try await source.hosts(HostQuery(scan: "aug-10", minConfidence: .low, limit: 500))
        #expect(seen == all.rows.map { "\($0.address):\($0.port)" })
        #expect(Set(seen).count == seen.count && seen.count == all.matching)
    }

    @Test func recordsInAnyOrderAreIndexedInHostOrderAndTheLastOfADuplicateWins() async throws {
        let fixture = try await DashboardFixture.scanned.value
        // Reversed, then the first host written again with another build and location.
        var records = Array(fixture.reversed())
        var rewritten = fixture[0]
        rewritten.build = "15.2.9999.1"
        records.append(rewritten)
        let locations: [HostLocation?] = records.indices.map { i in
            i == records.count - 1 ? HostLocation(countryCode: "FR") : i % 2 == 0 ? HostLocation(countryCode: "DE") : nil
        }
        let source = InMemoryDataSource(scans: [.init(name: "mixed", records: records, locations: locations)])
        let page = try await source.hosts(HostQuery(minConfidence: nil, limit: 500))
        let expected = fixture.map { HostKey(record: $0) }.sorted()
        #expect(page.rows.map { HostKey(address: $0.address, port: $0.port) } == expected)
        #expect(page.matching == fixture.count)
        let first = try #require(fixture[0].ip)
        let host = try #require(try await source.host(scan: nil, address: first, port: fixture[0].port))
        #expect(host.record.build == "15.2.9999.1" && host.location?.countryCode == "FR")
        let secondIP = try #require(fixture[1].ip)
        let second = try #require(try await source.host(scan: nil, address: secondIP, port: fixture[1].port))
        // fixture[1] is at records.count - 3 after the reversal.
        #expect(second.location?.countryCode == ((records.count - 3) % 2 == 0 ? "DE" : nil))
        #expect(try await source.host(scan: nil, address: first, port: fixture[0].port + 1) == nil)
    }

    @Test func permuteMovesEachElementToItsPlace() {
        var letters = Array("abcdef")
        letters.permute(by: [3, 0, 4, 1, 5, 2])
        #expect(String(letters) == "daebfc")  // element i is the one that was at order[i]
    }

    @Test func filtersCombine() async throws {
        let source = try await DashboardFixture.dataSource()
        let page = try await source.hosts(HostQuery(scan: "aug-10", status: .vulnerable, country: "DE", minConfidence: .medium, limit: 500))
        #expect(page.matching > 0)
        for row in page.rows {
            #expect(row.status == .vulnerable && row.location?.countryCode == "DE" && row.exchange)
        }
        let none = try await source.hosts(HostQuery(scan: "aug-10", country: "ZZ"))
        #expect(none.matching == 0 && none.rows.isEmpty)
        await #expect(throws: DashboardError.badCursor) { try await source.hosts(HostQuery(cursor: "zz")) }
    }

    @Test func theDiffFindsTheFivePatchedHosts() async throws {
        let source = try await DashboardFixture.dataSource()
        let diff = try await source.diff(from: "aug-10", to: "aug-20", finding: "CVE-2025-53786", limit: 100)
        #expect(diff.newlyFixed.count == 5)
        #expect(diff.newlyExposed.count == 0 && diff.gone.count == 0)
        #expect(diff.byCountry.map(\.newlyFixed).reduce(0, +) == 5)
        await #expect(throws: DashboardError.unknownScan("nope")) {
            try await source.diff(from: "nope", to: "aug-20", finding: "CVE-2025-53786", limit: 1)
        }
    }
}
