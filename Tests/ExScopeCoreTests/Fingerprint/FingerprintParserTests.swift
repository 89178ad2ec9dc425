import ExScopeCore
import Foundation
import Testing

@Suite("Fingerprint parsers on real samples")
struct FingerprintParserTests {
    // MARK: X-OWA-Version

    @Test("X-OWA-Version values from the reference", arguments: [
        ("15.0.1497.26", BuildNumber(15, 0, 1497, 26)),
        ("15.1.2242.12", BuildNumber(15, 1, 2242, 12)),
        ("15.2.1544.11", BuildNumber(15, 2, 1544, 11)),
        ("15.02.2562.037", BuildNumber(15, 2, 2562, 37)),
        (" 14.1.438.0 ", BuildNumber(14, 1, 438, 0)),
        ("15.20.7452.28", BuildNumber(15, 20, 7452, 28)),
    ])
    func owaVersion(value: String, expected: BuildNumber) throws {
        let header = try OWAVersionHeader(parsing: value)
        #expect(header.version.build == expected)
        #expect(header.version.precision == .exact)
    }

    @Test("X-OWA-Version rejects what is not a build", arguments: [
        ("", FingerprintError.Code.empty),
        ("15.2", .unexpectedFormat),
        ("Version 15.2 (Build 1544.4)", .unexpectedFormat),
        ("15.2.1544.11; DROP", .unexpectedFormat),
        ("15.2.1544.11.1", .unexpectedFormat),
        (String(repeating: "1", count: 65), .limitExceeded),
    ])
    func owaVersionRejects(value: String, code: FingerprintError.Code) {
        #expect(throws: FingerprintError(code: code)) { try OWAVersionHeader(parsing: value) }
    }

    @Test("X-OWA-Version is found in any case")
    func owaVersionAnyCase() throws {
        let (_, headers) = FingerprintFixtures.head("autodiscover-401-2019-cu11.http")
        let header = try #require(try OWAVersionHeader(headers: headers))
        #expect(header.version.build == BuildNumber(15, 2, 986, 14))
        #expect(try OWAVersionHeader(headers: HTTPHeaders([("Server", "IIS")])) == nil)
    }

    @Test("X-ServerApplication")
    func serverApplication() throws {
        let (_, headers) = FingerprintFixtures.head("mapi-nspi-2016.http")
        let header = try ServerApplicationHeader(parsing: try #require(headers.first("x-serverapplication")))
        #expect(header.version.build == BuildNumber(15, 1, 2176, 9))
        #expect(throws: FingerprintError(code: .unexpectedFormat)) { try ServerApplicationHeader(parsing: "Apache/2.4.1") }
    }

    // MARK: Logon page

    @Test("Logon pages of 2013, 2016, 2019 give the CU from the path", arguments: [
        ("owa-2019-cu9-logon.html", "15.2.858", "Outlook"),
        ("owa-2016-cu10-logon.html", "15.1.1531", "Outlook"),
        ("owa-2013-cu21-logon.html", "15.0.1395", "Outlook Web App"),
        ("ecp-2019-cu9-logon.html", "15.2.858", "Exchange Admin Center"),
    ])
    func logonPages(name: String, cu: String, title: String) throws {
        let bytes = FingerprintFixtures.bytes(name)
        #expect(bytes.count > 27_000 && bytes.count < 30_000)
        let page = try OWALogonPage(parsing: bytes)
        #expect(page.paths.count == 1)
        let path = try #require(page.paths.first)
        #expect(path.underAuth)
        #expect(path.version.precision == .cu)
        #expect(path.version.build.cuPrefix == cu)
        #expect(page.title == title)
        #expect(page.markers == [.owaPageComment, .logonGUID, .owaPremiumBrowser, .scriptsNotice, .signInHeader,
                                 .authFormAction, .exchangeTitle])
        #expect(page.looksLikeExchange)
        #expect(page.preAuth.isEmpty)
    }

    @Test("Exchange 2010 and 2007 pages give four-part paths")
    func oldPages() throws {
        let p2010 = try OWALogonPage(parsing: FingerprintFixtures.bytes("owa-2010-logon.html"))
        #expect(p2010.paths.map(\.version.build) == [BuildNumber(14, 3, 169, 1)])
        #expect(p2010.paths.first?.underAuth == false)
        #expect(p2010.paths.first?.version.precision == .exact)
        #expect(p2010.markers.isSuperset(of: [.owaPageComment, .owaLogonBody, .exchangeTitle, .authFormAction]))
        let p2007 = try OWALogonPage(parsing: FingerprintFixtures.bytes("owa-2007-logon.html"))
        #expect(p2007.paths.map(\.version.build) == [BuildNumber(8, 3, 485, 1)])
        #expect(p2007.title == "Microsoft Exchange - Outlook Web Access")
        #expect(p2007.markers == [.exchangeTitle, .owaLogonBody])
        #expect(p2007.looksLikeExchange)
    }

    @Test("A phishing clone with one copied marker is not enough")
    func phishing() throws {
        let page = try OWALogonPage(parsing: FingerprintFixtures.bytes("phishing-one-marker.html"))
        #expect(page.markers == [.owaPageComment])
        #expect(page.paths.isEmpty)
        #expect(page.score == 1)
        #expect(!page.looksLikeExchange)
    }

    @Test("Reverse-proxy pre-auth pages", arguments: [
        ("kemp-esp-logon.html", OWALogonPage.PreAuth.kemp),
        ("tmg-cookieauth-logon.html", .tmg),
        ("f5-apm-logon.html", .f5),
    ])
    func preAuth(name: String, kind: OWALogonPage.PreAuth) throws {
        let page = try OWALogonPage(parsing: FingerprintFixtures.bytes(name))
        #expect(page.preAuth == [kind])
        #expect(!page.looksLikeExchange)
    }

    @Test("A page with nothing of Exchange throws notFound; empty and oversize bodies throw")
    func logonErrors() {
        #expect(throws: FingerprintError(code: .notFound)) { try OWALogonPage(parsing: Array("<html><title>Hi</title></html>".utf8)) }
        #expect(throws: FingerprintError(code: .empty)) { try OWALogonPage(parsing: [UInt8]()) }
        #expect(throws: FingerprintError(code: .limitExceeded)) {
            try OWALogonPage(parsing: [UInt8](repeating: 0x41, count: OWALogonPage.maximumLength + 1))
        }
    }

    @Test("Version paths need a closing slash and three or four parts")
    func pathEdgeCases() throws {
        let page = try OWALogonPage(parsing: Array("""
            <title>Outlook</title> <a href="/owa/auth/15.2.1748/x"> <a href="/OWA/AUTH/15.2.1748/y"> <a href="/owa/auth/15.2">
            <a href="/owa/auth/15/"> <a href="/owa/auth/15.2.1748.24.1/"> <a href="/owa/15.1.2507.55/scripts/">
            """.utf8))
        #expect(page.paths.map(\.version.build) == [BuildNumber(15, 2, 1748, 0), BuildNumber(15, 1, 2507, 55)])
        #expect(page.paths.map(\.underAuth) == [true, false])
    }

    // MARK: Export tool manifest

    @Test("Export tool manifests: all identities agree", arguments: [
        ("exporttool-15.1.2375.7.application", BuildNumber(15, 1, 2375, 7), "b1d1a6c45aa418ce"),
        ("exporttool-15.2.986.5.application", BuildNumber(15, 2, 986, 5), "b1d1a6c45aa418ce"),
        ("exporttool-15.2.721.2.application", BuildNumber(15, 2, 721, 2), "1f16bd4ec4c2bb19"),
    ])
    func manifests(name: String, build: BuildNumber, token: String) throws {
        let bytes = FingerprintFixtures.bytes(name)
        #expect(bytes.count > 15_000 && bytes.count < 17_000)
        let manifest = try ExportToolManifest(parsing: bytes)
        #expect(manifest.identities.count == 3)
        #expect(manifest.agreedBuild == build)
        #expect(manifest.identities.allSatisfy { $0.publicKeyToken == token })
        #expect(manifest.identities.map(\.name) == ["microsoft.exchange.ediscovery.exporttool.application",
                                                    "microsoft.exchange.ediscovery.exporttool",
                                                    "microsoft.exchange.ediscovery.exporttool.application"])
        #expect(manifest.honeypotSigns.isEmpty)
    }

    @Test("The honeypot manifest shows every bait sign")
    func honeypotManifest() throws {
        let manifest = try ExportToolManifest(parsing: FingerprintFixtures.bytes("exporttool-honeypot.application"))
        #expect(manifest.agreedBuild == BuildNumber(15, 0, 0, 0))
        #expect(manifest.honeypotSigns == [.zeroPublicKeyToken, .placeholderVersion, .exampleValues])
    }

    @Test("Disagreeing identities give no agreed build")
    func inconsistentManifest() throws {
        let manifest = try ExportToolManifest(parsing: FingerprintFixtures.bytes("exporttool-inconsistent.application"))
        #expect(manifest.agreedBuild == nil)
        #expect(manifest.builds == [BuildNumber(15, 2, 1544, 25), BuildNumber(15, 2, 1544, 14)])
    }

    @Test("The Metasploit-quoted single element, attributes in another order")
    func metasploitLine() throws {
        let text = #"<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool.application" version="15.2.986.5" publicKeyToken="b1d1a6c45aa418ce" language="neutral" processorArchitecture="msil" xmlns="urn:schemas-microsoft-com:asm.v1" />"#
        let manifest = try ExportToolManifest(parsing: Array(text.utf8))
        #expect(manifest.agreedBuild == BuildNumber(15, 2, 986, 5))
    }

    @Test("Manifest errors", arguments: [
        ("<assemblyIdentity name=\"other.app\" version=\"1.2.3.4\"/>", FingerprintError.Code.notFound),
        ("<assemblyIdentity name=\"microsoft.exchange.ediscovery.exporttool\" version=\"15.2\"/>", .notFound),
        ("<assemblyIdentity name=\"microsoft.exchange.ediscovery.exporttool\" version=\"15.2.1.1", .truncated),
        ("<assemblyIdentity name=microsoft.exchange.ediscovery.exporttool/>", .unexpectedFormat),
        ("<html>no manifest</html>", .notFound),
        ("", .empty),
    ])
    func manifestErrors(text: String, code: FingerprintError.Code) {
        #expect(throws: FingerprintError(code: code)) { try ExportToolManifest(parsing: Array(text.utf8)) }
    }

    // MARK: Identity headers

    @Test("Identity headers from the MAPI sample")
    func identity() {
        let (_, headers) = FingerprintFixtures.head("mapi-nspi-2016.http")
        let identity = IdentityHeaders(headers: headers)
        #expect(identity.feServer == "WIN-MKL80DILD4H")
        #expect(identity.beServer == "WIN-MKL80DILD4H")
        #expect(identity.calculatedBETarget == "win-mkl80dild4h.exchange.local")
        #expect(identity.diagInfo == "WIN-MKL80DILD4H")
        #expect(identity.serverNames == ["WIN-MKL80DILD4H", "win-mkl80dild4h.exchange.local"])
        #expect(identity.hasCAFEHeaders)
    }

    @Test("Identity headers: request-id, Exchange Online headers, rejected values")
    func identityMore() {
        let (_, exo) = FingerprintFixtures.head("exo-owa-service.http")
        let online = IdentityHeaders(headers: exo)
        #expect(online.feProxyInfo == "SI2PR06CA0016.APCPRD06.PROD.OUTLOOK.COM")
        #expect(online.feEFZInfo == "SIN")
        #expect(online.beSku == "WCS7")
        #expect(online.calculatedFETarget == "PS2PR02CU002.internal.outlook.com")
        #expect(online.requestID == "6b2d5f0e-1c3a-4e5b-8f7d-9a0b1c2d3e4f")
        let bad = IdentityHeaders(headers: HTTPHeaders([("X-FEServer", "<script>"), ("request-id", "not-a-guid"), ("X-BEServer", "MBX01")]))
        #expect(bad.feServer == nil)
        #expect(bad.beServer == "MBX01")
        #expect(bad.rejected == ["X-FEServer", "request-id"])
    }

    @Test("Redirect signs: errorFE, the OWA logon redirect, pre-auth proxies")
    func redirects() {
        #expect(RedirectSign.signs(in: FingerprintFixtures.head("errorfe-302.http").1) == [.errorFE])
        #expect(RedirectSign.signs(in: FingerprintFixtures.head("owa-302-lookback.http").1) == [.owaLogon])
        #expect(RedirectSign.signs(in: FingerprintFixtures.head("root-302-lookback.http").1).isEmpty)
        #expect(RedirectSign.signs(in: HTTPHeaders([("Location", "/CookieAuth.dll?GetLogon?curl=Z2Fowa&reason=0")])) == [.tmg])
        #expect(RedirectSign.signs(in: HTTPHeaders([("Location", "https://x/lm_auth_proxy?LMLogon")])) == [.kemp])
        #expect(RedirectSign.signs(in: HTTPHeaders([("Set-Cookie", "MRHSession=abc; path=/")])) == [.f5])
        #expect(RedirectSign.signs(in: HTTPHeaders([("Location", "https://sts.contoso.com/adfs/ls/?wa=wsignin1.0")])) == [.adfs])
    }

    // MARK: WWW-Authenticate

    @Test("Separate NTLM and Negotiate headers, and Basic realm")
    func challengesSeparate() throws {
        let (_, headers) = FingerprintFixtures.head("autodiscover-401-2019-cu11.http")
        let (challenges, errors) = AuthChallenge.parseAll(headers)
        #expect(errors.isEmpty)
        #expect(challenges.map(\.scheme) == ["Negotiate", "NTLM", "Basic"])
        #expect(challenges.last?.parameter("realm") == "mail.domain.corp")
        #expect(challenges.allSatisfy { $0.token == nil })
    }

    @Test("Several challenges in one header and a token68")
    func challengesCombined() throws {
        let challenges = try AuthChallenge.parse(#"Negotiate, NTLM, Basic realm="a, b", NTLM TlRMTVNTUAACAAAA=="#)
        #expect(challenges.map(\.scheme) == ["Negotiate", "NTLM", "Basic", "NTLM"])
        #expect(challenges[2].parameter("REALM") == "a, b")
        #expect(challenges[3].token == "TlRMTVNTUAACAAAA==")
    }

    @Test("Hybrid Bearer challenge: tenant GUID", arguments: ["eas-bearer-2019-cu14.http", "hma-bearer-contoso.http"])
    func bearerTenant(name: String) throws {
        let (_, headers) = FingerprintFixtures.head(name)
        let bearer = try BearerChallenge(try #require(AuthChallenge.parseAll(headers).challenges.first { $0.isScheme("Bearer") }))
        #expect(bearer.isExchange)
        #expect(!bearer.wildcardRealm)
        #expect(bearer.tenantIDs == [name.hasPrefix("eas") ? "1d3c9b43-0d0f-45d9-a207-99dc10fb7d4a" : "5de110f8-2e0f-4d45-891d-bcf2218e253d"])
        #expect(bearer.trustedIssuers.count == (name.hasPrefix("eas") ? 1 : 2))
    }

    @Test("Exchange Online Bearer challenge: @*")
    func bearerWildcard() throws {
        let (_, headers) = FingerprintFixtures.head("exo-bearer-wildcard.http")
        let (challenges, errors) = AuthChallenge.parseAll(headers)
        #expect(errors.isEmpty)
        let bearer = try BearerChallenge(try #require(challenges.first))
        #expect(bearer.wildcardRealm)
        #expect(bearer.tenantIDs.isEmpty)
        #expect(bearer.authorizationURI == "https://login.microsoftonline.com/common/oauth2/authorize")
    }

    @Test("Malformed challenges", arguments: [
        (#"realm="x""#, FingerprintError.Code.unexpectedFormat),
        (#"Basic realm="unclosed"#, .truncated),
        (#"Basic realm="x" junk"#, .unexpectedFormat),
        ("   ", .empty),
    ])
    func badChallenges(text: String, code: FingerprintError.Code) {
        #expect(throws: FingerprintError(code: code)) { try AuthChallenge.parse(text) }
    }

    // MARK: NTLM

    struct ExpectedNTLM: Decodable {
        var file: String
        var flags: UInt32
        var serverChallenge: String
        var targetName: String?
        var netBIOSComputerName: String?
        var netBIOSDomainName: String?
        var dnsComputerName: String?
        var dnsDomainName: String?
        var dnsTreeName: String?
        var version: String?
        var ntlmRevision: Int?
        var timestamp: UInt64?
        var timestampDate: String?
    }

    @Test("NTLM challenges decode to the independently decoded fields")
    func ntlm() throws {
        let expected = try JSONDecoder().decode([ExpectedNTLM].self, from: Data(FingerprintFixtures.bytes("ntlm-expected.json")))
        #expect(expected.count == 4)
        for item in expected {
            let challenge = try NTLMChallenge(base64: FingerprintFixtures.ntlm(item.file))
            #expect(challenge.flags == item.flags, "\(item.file)")
            #expect(challenge.serverChallenge == item.serverChallenge, "\(item.file)")
            #expect(challenge.targetName == item.targetName, "\(item.file)")
            #expect(challenge.netBIOSComputerName == item.netBIOSComputerName, "\(item.file)")
            #expect(challenge.netBIOSDomainName == item.netBIOSDomainName, "\(item.file)")
            #expect(challenge.dnsComputerName == item.dnsComputerName, "\(item.file)")
            #expect(challenge.dnsDomainName == item.dnsDomainName, "\(item.file)")
            #expect(challenge.dnsTreeName == item.dnsTreeName, "\(item.file)")
            #expect(challenge.version?.description == item.version, "\(item.file)")
            #expect(challenge.version?.ntlmRevision == item.ntlmRevision, "\(item.file)")
            #expect(challenge.timestamp == item.timestamp, "\(item.file)")
            #expect(challenge.timestampDate?.description == item.timestampDate, "\(item.file)")
        }
    }

    /// The Qualcomm challenge with one field changed at `offset`.
    static func patched(_ offset: Int, _ bytes: [UInt8]) throws -> [UInt8] {
        var message = try #require(Data(base64Encoded: FingerprintFixtures.ntlm("ntlm-qualcomm.b64"))).map { $0 }
        message.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        return message
    }

    @Test("NTLM offsets and lengths are checked, never trusted")
    func ntlmHostile() throws {
        // TargetName offset past the end.
        #expect(throws: FingerprintError(code: .invalidOffset)) { try NTLMChallenge(parsing: try Self.patched(16, [0xF0, 0, 0, 0])) }
        // TargetName offset pointing into the header.
        #expect(throws: FingerprintError(code: .invalidOffset)) { try NTLMChallenge(parsing: try Self.patched(16, [8, 0, 0, 0])) }
        // TargetInfo length larger than the message.
        #expect(throws: FingerprintError(code: .invalidOffset)) { try NTLMChallenge(parsing: try Self.patched(40, [0xFF, 0xFF])) }
        // TargetInfo offset of 0xFFFFFFFF.
        #expect(throws: FingerprintError(code: .invalidOffset)) { try NTLMChallenge(parsing: try Self.patched(44, [0xFF, 0xFF, 0xFF, 0xFF])) }
        // An AV pair whose length runs past TargetInfo (first pair at offset 60: id 2, length 4 → 0x7FFF).
        #expect(throws: FingerprintError(code: .invalidOffset)) { try NTLMChallenge(parsing: try Self.patched(62, [0xFF, 0x7F])) }
        // Odd UTF-16 length in a name.
        #expect(throws: FingerprintError(code: .unexpectedFormat)) { try NTLMChallenge(parsing: try Self.patched(12, [3, 0])) }
        // Wrong type and signature.
        #expect(throws: FingerprintError(code: .unexpectedFormat)) { try NTLMChallenge(parsing: try Self.patched(8, [1])) }
        #expect(throws: FingerprintError(code: .unexpectedFormat)) { try NTLMChallenge(parsing: try Self.patched(0, [0x41])) }
        // Too short, bad base64, empty.
        #expect(throws: FingerprintError(code: .truncated)) { try NTLMChallenge(parsing: Array("NTLMSSP\0".utf8) + [2, 0]) }
        #expect(throws: FingerprintError(code: .unexpectedFormat)) { try NTLMChallenge(base64: "TlRM!!!!") }
        #expect(throws: FingerprintError(code: .empty)) { try NTLMChallenge(base64: "") }
    }

    @Test("Base64 decoding agrees with Foundation on every fixture")
    func base64() throws {
        for name in FingerprintFixtures.ntlmBlobs {
            let text = FingerprintFixtures.ntlm(name)
            let ours = try NTLMChallenge(base64: text)
            let theirs = try NTLMChallenge(parsing: [UInt8](try #require(Data(base64Encoded: text))))
            #expect(ours == theirs)
            // Unpadded text decodes the same.
            let unpadded = String(text.reversed().drop { $0 == "=" }.reversed())
            #expect(try NTLMChallenge(base64: unpadded) == ours)
        }
    }
}

extension FingerprintError {
    /// A value to compare against in `#expect(throws:)` (equality is on the code only).
    init(code: Code) {
        switch code {
        case .truncated: self = .truncated()
        case .limitExceeded: self = .limitExceeded()
        case .unexpectedFormat: self = .unexpectedFormat()
        case .invalidOffset: self = .invalidOffset()
        case .notFound: self = .notFound()
        case .empty: self = .empty()
        }
    }
}
