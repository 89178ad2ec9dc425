@testable import ExScopeTesting
import Testing

@Suite struct HostTemplatesTests {
    @Test func filledTemplatesEqualPagesBuiltForTheHost() {
        let templates = HostTemplates()
        for host in ["mail.contoso.example", "127.50.0.9:8443", "[::1]:443", "x"] {
            let logon = templates.page("logon 15.2.1544", host: host) {
                ExchangePages.logon2013(version: "15.2.1544", title: "Outlook", host: $0)
            }
            let sameLogon = logon == Array(ExchangePages.logon2013(version: "15.2.1544", title: "Outlook", host: host).utf8)
            #expect(sameLogon, "the logon page for \(host) differs from one built for it")
            let deployment = { (name: String) in "https://\(name)/ecp/15.2.1544.25/exporttool/x.application" }
            let manifest = templates.page("manifest 15.2.1544.25", host: host) {
                ExchangePages.exportToolManifest(version: "15.2.1544.25", token: "b1d1a6c45aa418ce",
                                                 publisher: "Microsoft Corporation", deployment: deployment($0))
            }
            let sameManifest = manifest == Array(ExchangePages.exportToolManifest(
                version: "15.2.1544.25", token: "b1d1a6c45aa418ce", publisher: "Microsoft Corporation", deployment: deployment(host)).utf8)
            #expect(sameManifest, "the manifest for \(host) differs from one built for it")
        }
    }

    @Test func differentKeysKeepDifferentPages() {
        let templates = HostTemplates()
        let a = templates.page("a", host: "h") { "A \($0)" }
        let b = templates.page("b", host: "h") { "B \($0)" }
        #expect(String(decoding: a, as: UTF8.self) == "A h")
        #expect(String(decoding: b, as: UTF8.self) == "B h")
    }
}

@Suite struct ResponseValueTests {
    @Test func requestIDsAreVersion4UUIDsAndDiffer() throws {
        var generator = responseGenerator()
        let pattern = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
        let ids = (0..<200).map { _ in generator.uuid() }
        #expect(ids.allSatisfy { $0.wholeMatch(of: pattern) != nil }, "\(ids.prefix(3))")
        #expect(Set(ids).count == ids.count)
        var first = responseGenerator(), second = responseGenerator()
        #expect(first.uuid() != second.uuid())
        // Every digit position takes every value: sixteen digits per draw, none stuck.
        let long = (0..<64).map { _ in Array(generator.hex(40).utf8) }
        for position in 0..<40 { #expect(Set(long.map { $0[position] }).count > 8) }
    }
}
