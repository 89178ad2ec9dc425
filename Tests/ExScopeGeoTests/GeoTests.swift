import ExScopeCore
@testable import ExScopeGeo
import Foundation
import Testing

/// MaxMind's published test databases, beside the project in ../shared.
let maxMindFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("shared/data/maxmind-test")

@Suite struct MaxMindTests {
    func file(_ name: String) -> String { maxMindFolder.appendingPathComponent(name).path }

    @Test(arguments: ["GeoIP2-Country-Test.mmdb", "GeoLite2-Country-Test.mmdb", "GeoLite2-City-Test.mmdb"])
    func countryTestDatabasesLocateTheKnownAddress(name: String) throws {
        let database = try MaxMindDatabase(path: file(name))
        #expect(try database.lookup("81.2.69.160")?.country == "GB")
        #expect(try database.lookup("8.8.8.8") == nil)
        #expect(database.metadata.buildDate.count == 10)
        #expect(database.metadata.databaseType.contains("Country") || database.metadata.databaseType.contains("City"))
    }

    @Test func asnTestDatabaseGivesNumberAndOrganisation() throws {
        let database = try MaxMindDatabase(path: file("GeoLite2-ASN-Test.mmdb"))
        let record = try #require(try database.lookup("1.128.0.1"))
        #expect(record.asn == 1221)
        #expect(record.asOrganization == "Telstra Pty Ltd")
        #expect(database.metadata.databaseType == "GeoLite2-ASN")
    }

    @Test func enricherCombinesCountryAndASNAndNamesBoth() throws {
        let enricher = GeoEnricher(countryDatabase: try MaxMindDatabase(path: file("GeoIP2-Country-Test.mmdb")),
                                   asnDatabase: try MaxMindDatabase(path: file("GeoLite2-ASN-Test.mmdb")), ranges: nil)
        #expect(try enricher.locate("81.2.69.160").country == "GB")
        let telstra = try enricher.locate("1.128.0.1")
        #expect(telstra.asn == 1221)
        #expect(try enricher.locate("10.1.2.3") == GeoLocation(addressClass: .private))
        #expect(try enricher.locate("127.0.0.1").countryKey == "loopback")
        #expect(enricher.sourceDescription.contains("GeoIP2-Country"))
        #expect(enricher.sourceDescription.contains("ASN: MaxMind DB GeoLite2-ASN built"))
    }

    /// Deliberately broken files fail with a message naming the file, never a crash or a hang.
    @Test(arguments: ["GeoIP2-City-Test-Invalid-Node-Count.mmdb", "MaxMind-DB-test-broken-pointers-24.mmdb",
                      "MaxMind-DB-test-broken-search-tree-24.mmdb", "cyclic-data-structure.mmdb", "invalid-data-record-offset.mmdb",
                      "unexpected-bytes.mmdb", "no-such-file.mmdb"])
    func brokenDatabasesFailClearly(name: String) throws {
        let path = file(name)
        do {
            let database = try MaxMindDatabase(path: path)
            var failures = 0
            for address in ["1.1.1.1", "81.2.69.160", "1.128.0.1", "::1.1.1.1", "2001:218::1", "216.160.83.56"] {
                do {
                    _ = try database.lookup(address)
                } catch let error as GeoError {
                    #expect(error.message.contains(path))
                    failures += 1
                }
            }
            // Some broken files open and only fail where a lookup walks; none may crash.
            _ = failures
        } catch let error as GeoError {
            #expect(error.message.contains(path))
        }
    }
}

@Suite struct CountryRangeTests {
    let text = """
        # Generated: Thu, 25 Jun 2026 04:33:59 GMT
        16777216,16777471,AU
        16777472,16778239,CN
        16778240,16779263,??
        2001:4:112::,2001:4:112:ffff:ffff:ffff:ffff:ffff,US
        """

    @Test func lookupsFindTheRangeAndSayUnknownOtherwise() throws {
        var ranges = CountryRanges()
        try ranges.add(text: text, source: "test")
        try ranges.finish()
        #expect(ranges.country(IPAddress("1.0.0.1")!) == "AU")
        #expect(ranges.country(IPAddress("1.0.1.255")!) == "CN")
        #expect(ranges.country(IPAddress("1.0.4.1")!) == nil)
        #expect(ranges.country(IPAddress("0.255.255.255")!) == nil)
        #expect(ranges.country(IPAddress("2001:4:112::7")!) == "US")
        #expect(ranges.country(IPAddress("::ffff:1.0.0.9")!) == "AU")
        #expect(ranges.generated == "2026-06-25")
        #expect(ranges.counts.v4 == 3 && ranges.counts.v6 == 1)
    }

    /// A file written by hand may give IPv4 as a.b.c.d, alone or beside tor's integers.
    @Test func dottedIPv4RangesReadAsTorsIntegers() throws {
        var ranges = CountryRanges()
        try ranges.add(text: "20.0.0.0,20.255.255.255,US\n16777216,16777471,AU\n1.0.1.0,1.0.3.255,CN\n", source: "hand")
        try ranges.finish()
        #expect(ranges.country(IPAddress("20.1.2.3")!) == "US")
        #expect(ranges.country(IPAddress("21.0.0.0")!) == nil)
        #expect(ranges.country(IPAddress("1.0.0.255")!) == "AU")
        #expect(ranges.country(IPAddress("1.0.3.255")!) == "CN")
        #expect(ranges.counts.v4 == 3 && ranges.counts.v6 == 0)
    }

    @Test func aMalformedLineIsNamed() {
        var ranges = CountryRanges()
        #expect(throws: GeoError("f:3: '12,x,DE' is not a range (low,high,CC with IPv4 as integers or a.b.c.d, IPv6 as text)")) {
            try ranges.add(text: "# c\n1,2,DE\n12,x,DE\n", source: "f")
        }
        #expect(throws: GeoError("f:1: '1.2.3.4,1.2.3.256,DE' is not a range (low,high,CC with IPv4 as integers or a.b.c.d, IPv6 as text)")) {
            try ranges.add(text: "1.2.3.4,1.2.3.256,DE\n", source: "f")
        }
        #expect(throws: GeoError("f:1: low above high")) { try ranges.add(text: "1.2.3.4,1.2.3.3,DE\n", source: "f") }
        #expect(throws: GeoError("f:1: expected 'low,high,CC'")) { try ranges.add(text: "1,2,Germany\n", source: "f") }
    }

    @Test func specialAddressesAreNoCountry() throws {
        var ranges = CountryRanges()
        try ranges.add(text: "0,4294967295,US\n", source: "all")
        let enricher = GeoEnricher(countryDatabase: nil, asnDatabase: nil, ranges: ranges, rangeFiles: ["all"])
        for (address, kind) in [("127.0.0.1", AddressClass.loopback), ("10.9.8.7", .private), ("192.168.1.1", .private),
                                ("172.20.0.1", .private), ("169.254.0.1", .linkLocal), ("100.64.0.1", .reserved), ("::1", .loopback),
                                ("fd12::1", .private), ("fe80::1", .linkLocal), ("224.0.0.1", .reserved)] {
            let location = try enricher.locate(address)
            #expect(location.addressClass == kind, "\(address)")
            #expect(location.country == nil)
        }
        #expect(try enricher.locate("8.8.8.8").country == "US")
        #expect(CountryNames.name(for: "DE") == "Germany")
        #expect(CountryNames.name(for: "us") == "United States")
        #expect(CountryNames.codes.count >= 249)
    }
}

@Suite struct IPv6RangeParsingTests {
    /// The byte-level IPv6 reader agrees with the core's parser on tor-style addresses.
    @Test(arguments: ["2001::", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff", "2001:4:112::", "::", "::1", "fe80::1:2", "1:2:3:4:5:6:7:8",
                      "2a00:1450:4001:80b::200e"])
    func agreesWithTheCoreParser(text: String) throws {
        var ranges = CountryRanges()
        try ranges.add(text: "\(text),\(text),DE\n", source: "t")
        #expect(ranges.country(try #require(IPAddress(text))) == "DE")
    }

    @Test(arguments: ["2001:::1", "1:2:3:4:5:6:7:8:9", "12345::", "g::", ":1::"])
    func rejectsMalformedAddresses(text: String) {
        var ranges = CountryRanges()
        #expect(throws: GeoError.self) { try ranges.add(text: "\(text),\(text),DE\n", source: "t") }
    }
}
