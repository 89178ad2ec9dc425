import ExScopeCore
import Foundation
import Testing

/// The classifier on composed hosts: each case puts real sample responses together
/// (sometimes with one value changed, as a rewriting proxy or a fake would) and
/// states the profile it must produce.
@Suite("Fingerprint classifier on composed hosts")
struct FingerprintClassifierTests {
    static let catalog: Catalog = {
        do { return try Catalog.bundled() } catch { fatalError("bundled catalog: \(error)") }
    }()
    static let asOf = CalendarDate(year: 2025, month: 8, day: 10)!

    static let logonPath = "/owa/auth/logon.aspx"
    static let exportPath = "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"

    // MARK: Builders

    /// A logon page fixture, with its version folder optionally rewritten.
    static func page(_ name: String = "owa-2019-cu9-logon.html", cu: String? = nil) -> HTTPEvidence {
        var text = FingerprintFixtures.text(name)
        if let cu { text = text.replacingOccurrences(of: "/owa/auth/15.2.858/", with: "/owa/auth/\(cu)/") }
        return HTTPEvidence(path: logonPath, status: 200, headers: FingerprintFixtures.head("logon-200-2019-cu9.http").1, body: Array(text.utf8))
    }

    /// A header fixture, with some values replaced (or removed when the value is nil).
    static func response(_ name: String, path: String, set: [String: String?] = [:], body: [UInt8] = []) -> HTTPEvidence {
        let (status, headers) = FingerprintFixtures.head(name)
        var fields = headers.fields
        for (key, value) in set {
            if let index = fields.firstIndex(where: { $0.name.lowercased() == key.lowercased() }) {
                if let value { fields[index].value = value } else { fields.remove(at: index) }
            } else if let value {
                fields.append(HTTPHeaderField(name: key, value: value))
            }
        }
        return HTTPEvidence(path: path, status: status, headers: HTTPHeaders(fields: fields), body: body)
    }

    static func manifest(_ name: String) -> HTTPEvidence {
        HTTPEvidence(path: exportPath, status: 200, headers: HTTPHeaders([("Content-Type", "application/x-ms-application")]),
                     body: FingerprintFixtures.bytes(name))
    }

    static let selfSigned = CertificateSummary(subjectCommonName: "WIN-12OUO7A66M7",
                                               subjectAlternativeNames: ["WIN-12OUO7A66M7", "WIN-12OUO7A66M7.thm.local"],
                                               issuer: "WIN-12OUO7A66M7", notBefore: CalendarDate(year: 2023, month: 1, day: 25),
                                               notAfter: CalendarDate(year: 2028, month: 1, day: 25), selfSigned: true)
    static let publicCA = CertificateSummary(subjectCommonName: "mail.contoso.com", subjectAlternativeNames: ["mail.contoso.com", "autodiscover.contoso.com"],
                                             issuer: "R11", selfSigned: false)
    static let microsoft = CertificateSummary(subjectCommonName: "outlook.com", subjectAlternativeNames: ["*.outlook.com", "outlook.office365.com", "*.office365.com"],
                                              issuer: "DigiCert Cloud Services CA-1", selfSigned: false)

    static func classify(_ responses: [HTTPEvidence], certificate: CertificateSummary? = publicCA, microsoftNetwork: Bool? = nil) -> HostProfile {
        Fingerprinter.classify(HostEvidence(responses: responses, certificate: certificate, microsoftNetwork: microsoftNetwork), catalog: catalog, asOf: asOf)
    }

    static func codes(_ profile: HostProfile) -> Set<HostProfile.Anomaly.Code> { Set(profile.anomalies.map(\.code)) }

    static func finding(_ profile: HostProfile, _ id: String = "CVE-2025-53786") -> FindingStatus? {
        profile.verdict?.findings.first { $0.id == id }?.status
    }

    // MARK: Consistent on-premises hosts

    @Test("1. 2019 CU9 (Lookback): redirect, header, logon page agree → exact, high")
    func lookback() {
        let profile = Self.classify([
            Self.response("root-302-lookback.http", path: "/"),
            Self.response("owa-302-lookback.http", path: "/owa/"),
            Self.page(),
        ], certificate: Self.selfSigned)
        #expect(profile.detected)
        #expect(profile.confidence == .high)
        #expect(!profile.exchangeOnline)
        #expect(profile.build == "15.2.858.2")
        #expect(profile.precision == .exact)
        #expect(profile.signals == [.identityHeaders, .logonPage, .owaRedirect, .owaVersionHeader])
        #expect(profile.anomalies.isEmpty)
        #expect(profile.identity.serverNames == ["WIN-12OUO7A66M7"])
        #expect(profile.identity.certificateNames == ["WIN-12OUO7A66M7", "WIN-12OUO7A66M7.thm.local"])
        #expect(profile.candidates.map(\.build) == ["15.2.858.2", "15.2.858"])
        #expect(profile.verdict?.product == "Exchange Server 2019")
        #expect(profile.verdict?.cu == "CU9")
        #expect(profile.verdict?.placement == .belowCUBase) // the OwaVersion quirk: 15.2.858.2 < 15.2.858.5
    }

    @Test("2. 2019 CU14 Apr24HU behind F5 with hybrid OAuth → exact, vulnerable, hybrid likely")
    func easBearer() {
        let profile = Self.classify([
            Self.response("eas-bearer-2019-cu14.http", path: "/Microsoft-Server-ActiveSync"),
            Self.page(cu: "15.2.1544"),
        ])
        #expect(profile.detected)
        #expect(profile.confidence == .high)
        #expect(profile.build == "15.2.1544.11")
        #expect(profile.signals == [.exchangeBearer, .identityHeaders, .logonPage, .owaVersionHeader])
        #expect(profile.hybrid == HostProfile.Hybrid(likely: true, tenantIds: ["1d3c9b43-0d0f-45d9-a207-99dc10fb7d4a"]))
        #expect(profile.verdict?.update == "Apr24HU")
        #expect(Self.finding(profile) == .vulnerable)
        #expect(profile.anomalies.isEmpty)
    }

    @Test("3. 2019 CU11 Autodiscover 401 alone: header, identity, NTLM on an Exchange path → high")
    func autodiscover401() {
        let profile = Self.classify([Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json")])
        #expect(profile.detected)
        #expect(profile.confidence == .high)
        #expect(profile.signals == [.identityHeaders, .ntlmOnExchangePath, .owaVersionHeader])
        #expect(profile.build == "15.2.986.14")
        #expect(profile.identity.serverNames == ["EX19-01", "ex19-01.domain.corp"])
        #expect(profile.hybrid.likely == false)
    }

    @Test("4. Export tool and header agree → exact, two sources on one candidate")
    func exportToolAgrees() {
        let profile = Self.classify([
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json", set: ["x-owa-version": "15.2.986.5"]),
            Self.manifest("exporttool-15.2.986.5.application"),
        ])
        #expect(profile.confidence == .high)
        #expect(profile.build == "15.2.986.5")
        #expect(profile.candidates == [HostProfile.BuildCandidate(build: "15.2.986.5", precision: .exact, sources: [.owaVersionHeader, .exportTool])])
        #expect(profile.signals.contains(.exportTool))
        #expect(profile.anomalies.isEmpty)
    }

    @Test("5. Exchange 2010: header on the landing page and the four-part path agree")
    func exchange2010() {
        let profile = Self.classify([
            Self.response("exchange-2010-logon-200.http", path: Self.logonPath, body: FingerprintFixtures.bytes("owa-2010-logon.html")),
        ])
        #expect(profile.detected)
        #expect(profile.confidence == .high) // two signals, exact build shown by two sources
        #expect(profile.build == "14.3.169.1")
        #expect(profile.precision == .exact)
        #expect(profile.verdict?.product == "Exchange Server 2010")
        #expect(profile.verdict?.support == .endOfLife)
    }

    @Test("6. Exchange 2007: the page alone is one signal; with the header it is detected")
    func exchange2007() {
        let pageOnly = Self.classify([HTTPEvidence(path: Self.logonPath, status: 200, body: FingerprintFixtures.bytes("owa-2007-logon.html"))])
        #expect(!pageOnly.detected)
        #expect(pageOnly.build == nil)
        #expect(pageOnly.candidates.map(\.build) == ["8.3.485.1"])
        let both = Self.classify([HTTPEvidence(path: Self.logonPath, status: 200, headers: HTTPHeaders([("X-OWA-Version", "8.3.485.1")]),
                                               body: FingerprintFixtures.bytes("owa-2007-logon.html"))])
        #expect(both.detected)
        #expect(both.build == "8.3.485.1")
        #expect(both.verdict?.product == "Exchange Server 2007")
    }

    @Test("7. CU-level evidence never becomes an update: 2016 CU10 page + CAFE headers")
    func cuOnly() {
        let profile = Self.classify([
            Self.response("root-302-lookback.http", path: "/", set: ["x-feserver": "MAIL01"]),
            Self.page("owa-2016-cu10-logon.html"),
        ])
        #expect(profile.detected)
        #expect(profile.confidence == .medium)
        #expect(profile.build == "15.1.1531")
        #expect(profile.precision == .cu)
        #expect(profile.verdict?.precision == .cu)
        #expect(profile.verdict?.update == nil)
        #expect(profile.verdict?.cu == "CU10")
        #expect(profile.verdict?.placement == .cuOnly)
    }

    @Test("8. Hosted multi-tenant Exchange (Rackspace) is on-premises software: counted")
    func rackspace() {
        let profile = Self.classify([Self.response("rackspace-hosted.http", path: "/owa/")])
        #expect(profile.detected)
        #expect(!profile.exchangeOnline)
        #expect(profile.build == "15.1.1466.3")
        #expect(profile.verdict?.cu == "CU9")
    }

    @Test("9. MAPI X-ServerApplication and identity headers: zero-padded four-part build")
    func mapi() {
        let profile = Self.classify([Self.response("mapi-nspi-2016.http", path: "/mapi/nspi/")])
        #expect(profile.detected)
        #expect(profile.signals == [.identityHeaders, .serverApplicationHeader])
        #expect(profile.build == "15.1.2176.9")
        #expect(profile.verdict?.update == "Mar21SU")
    }

    @Test("10. NTLM challenge names the server and its Windows build")
    func ntlmIdentity() {
        let profile = Self.classify([
            Self.response("ntlm-401-ews.http", path: "/EWS/Exchange.asmx"),
            Self.response("owa-302-lookback.http", path: "/owa/", set: ["x-owa-version": "15.0.1497.26"]),
        ])
        #expect(profile.detected)
        #expect(profile.signals.contains(.ntlmOnExchangePath))
        #expect(profile.identity.netBIOSComputerName == "NASANEXHC04")
        #expect(profile.identity.netBIOSDomainName == "NA")
        #expect(profile.identity.dnsComputerName == "nasanexhc04.na.qualcomm.com")
        #expect(profile.identity.dnsDomainName == "na.qualcomm.com")
        #expect(profile.identity.dnsTreeName == "corp.qualcomm.com")
        #expect(profile.identity.osVersion == "6.1.7600")
        #expect(profile.identity.osName == "Windows Server 2008 R2")
        #expect(profile.verdict?.product == "Exchange Server 2013")
    }

    @Test("11. Hybrid Modern Auth sample: tenant GUID → hybrid likely, not Exchange Online")
    func hma() {
        let profile = Self.classify([
            Self.response("hma-bearer-contoso.http", path: "/Microsoft-Server-ActiveSync"),
            Self.response("owa-302-lookback.http", path: "/owa/", set: ["x-owa-version": "15.2.1748.24"]),
        ])
        #expect(profile.detected)
        #expect(!profile.exchangeOnline)
        #expect(profile.hybrid.likely)
        #expect(profile.hybrid.tenantIds == ["5de110f8-2e0f-4d45-891d-bcf2218e253d"])
        #expect(profile.verdict?.update == "Apr25HU")
        #expect(Self.finding(profile) == .patched)
    }

    @Test("12. errorFE redirect and a front-end name: detected, no build")
    func errorFE() {
        let profile = Self.classify([Self.response("errorfe-302.http", path: "/owa/")])
        #expect(profile.detected)
        #expect(profile.confidence == .medium)
        #expect(profile.signals == [.errorRedirect, .identityHeaders])
        #expect(profile.build == nil)
        #expect(profile.precision == .none)
        #expect(profile.verdict == nil)
    }

    @Test("13. Kemp pre-auth page in front of OWA: recorded; the build comes from the 401")
    func kemp() {
        let profile = Self.classify([
            HTTPEvidence(path: Self.logonPath, status: 200, body: FingerprintFixtures.bytes("kemp-esp-logon.html")),
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.xml"),
        ])
        #expect(profile.detected)
        #expect(profile.evidence.contains { $0.source == .preAuthPage && $0.value.hasPrefix("kemp") })
        #expect(!profile.signals.contains(.logonPage))
        #expect(profile.build == "15.2.986.14")
    }

    @Test("14. TMG forms-auth redirect and F5 cookie are recorded as pre-auth, not as Exchange")
    func tmgAndF5() {
        let profile = Self.classify([
            HTTPEvidence(path: "/owa/", status: 302, headers: HTTPHeaders([("Location", "/CookieAuth.dll?GetLogon?curl=Z2Fowa&reason=0"),
                                                                           ("Set-Cookie", "MRHSession=7d1e; path=/")])),
        ])
        #expect(!profile.detected)
        #expect(profile.signals.isEmpty)
        #expect(Set(profile.evidence.filter { $0.source == .preAuthPage }.map(\.value)) == ["f5 pre-authentication redirect", "tmg pre-authentication redirect"])
    }

    @Test("15. Azure-hosted on-premises Exchange (Microsoft network, no Exchange Online tells) is not Exchange Online")
    func azureHosted() {
        let profile = Self.classify([Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json")],
                                    microsoftNetwork: true)
        #expect(!profile.exchangeOnline)
        #expect(profile.verdict != nil)
    }

    // MARK: Weak evidence

    @Test("16. A lone X-OWA-Version is one signal: not detected, build not judged")
    func headerOnly() {
        let profile = Self.classify([Self.response("exchange-2010-header-14.1.http", path: "/owa/")])
        #expect(!profile.detected)
        #expect(profile.confidence == .low)
        #expect(profile.build == nil)
        #expect(profile.candidates.map(\.build) == ["14.1.438.0"])
        #expect(profile.verdict == nil)
        #expect(profile.verdictNote != nil)
    }

    @Test("17. Phishing clone with one copied marker: nothing detected")
    func phishingOneMarker() {
        let profile = Self.classify([HTTPEvidence(path: Self.logonPath, status: 200, body: FingerprintFixtures.bytes("phishing-one-marker.html"))])
        #expect(!profile.detected)
        #expect(profile.signals.isEmpty)
        #expect(profile.evidence.contains { $0.source == .logonPageMarkers && $0.value.contains("not enough") })
    }

    @Test("18. A full copy of the logon page on a plain web server: one signal, not detected")
    func phishingFullCopy() {
        let profile = Self.classify([HTTPEvidence(path: "/", status: 200, headers: HTTPHeaders([("Server", "nginx")]),
                                                  body: Array(FingerprintFixtures.text("owa-2019-cu9-logon.html").utf8))])
        #expect(!profile.detected)
        #expect(profile.signals == [.logonPage])
        #expect(profile.build == nil)
    }

    // MARK: Contradictions

    @Test("19. Export tool disagrees with the header in the revision → CU only, medium, both kept")
    func exportToolDisagrees() {
        let profile = Self.classify([
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json"),
            Self.manifest("exporttool-15.2.986.5.application"),
        ])
        #expect(profile.detected)
        #expect(profile.confidence == .medium)
        #expect(profile.build == "15.2.986")
        #expect(profile.precision == .cu)
        #expect(Self.codes(profile) == [.exportToolHeaderMismatch])
        #expect(Set(profile.candidates.map(\.build)) == ["15.2.986.14", "15.2.986.5"])
        #expect(profile.verdict?.precision == .cu)
    }

    @Test("20. Rewritten header (fake SE build) vs the page's CU15 path → the files' CU, medium, both kept")
    func rewrittenHeader() {
        let profile = Self.classify([
            Self.response("rewritten-header.http", path: "/owa/"),
            Self.page(cu: "15.2.1748"),
        ])
        #expect(profile.detected)
        #expect(profile.confidence == .medium)
        #expect(Self.codes(profile) == [.pathCUMismatch])
        // The header can be rewritten; the logon page's resource path is a file of the installed build.
        #expect(profile.build == "15.2.1748")
        #expect(profile.precision == .cu)
        #expect(Set(profile.candidates.map(\.build)) == ["15.2.2562.37", "15.2.1748"])
        #expect(profile.verdict?.cu == "CU15")
        #expect(profile.verdict?.findings.first { $0.id == "CVE-2025-53786" }?.status == .indeterminate)
        #expect(profile.verdictNote?.contains("disagrees") == true)
    }

    @Test("21. Two X-OWA-Version values on one IP (load-balanced CUs) → conflict, product only")
    func twoHeaders() {
        let profile = Self.classify([
            Self.response("owa-302-lookback.http", path: "/owa/"),
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json"),
        ])
        #expect(profile.detected)
        #expect(Self.codes(profile) == [.owaVersionConflict])
        #expect(profile.build == "15.2")
        #expect(profile.confidence == .medium)
    }

    @Test("22. Manifest identities disagree → exporttool-inconsistent and a header mismatch")
    func inconsistentManifest() {
        let profile = Self.classify([
            Self.response("owa-302-lookback.http", path: "/owa/", set: ["x-owa-version": "15.2.1544.25"]),
            Self.manifest("exporttool-inconsistent.application"),
        ])
        #expect(Self.codes(profile) == [.exportToolInconsistent, .exportToolHeaderMismatch])
        #expect(profile.build == "15.2.1544")
        #expect(profile.precision == .cu)
        #expect(profile.confidence == .medium)
    }

    @Test("23. X-ServerApplication disagrees with X-OWA-Version")
    func serverApplicationMismatch() {
        let profile = Self.classify([
            Self.response("mapi-nspi-2016.http", path: "/mapi/nspi/"),
            Self.response("owa-302-lookback.http", path: "/owa/", set: ["x-owa-version": "15.1.2176.14"]),
        ])
        #expect(Self.codes(profile) == [.serverApplicationMismatch])
        #expect(profile.build == "15.1.2176")
    }

    @Test("24. Malformed X-OWA-Version is rejected and flagged")
    func malformedHeader() {
        let profile = Self.classify([Self.response("owa-302-lookback.http", path: "/owa/", set: ["x-owa-version": "15.2.<script>"])])
        #expect(profile.detected) // redirect + identity
        #expect(Self.codes(profile) == [.malformedVersionHeader])
        #expect(profile.rejected.map(\.code) == [.unexpectedFormat])
        #expect(profile.build == nil)
        #expect(profile.confidence == .low)
    }

    // MARK: Deception and Exchange Online

    @Test("25. Honeypot manifest: bait signs, not counted as Exchange, low confidence")
    func honeypot() {
        let profile = Self.classify([
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json"),
            Self.manifest("exporttool-honeypot.application"),
        ])
        #expect(Self.codes(profile) == [.honeypotToken, .honeypotVersion, .honeypotExampleValues])
        #expect(profile.confidence == .low)
        #expect(!profile.signals.contains(.exportTool))
        #expect(!profile.candidates.contains { $0.build.hasPrefix("15.0") })
        #expect(!profile.detected)
        #expect(profile.build == nil && profile.verdict == nil)
        #expect(profile.verdictNote?.contains("Honeypot") == true)
    }

    @Test("26. Deception nginx: a 15.20 build off Microsoft's network, with SharePoint headers")
    func deception() {
        let profile = Self.classify([Self.response("deception-nginx.http", path: "/")])
        #expect(!profile.exchangeOnline)
        #expect(!profile.detected)
        #expect(profile.confidence == .low)
        #expect(Self.codes(profile) == [.exchangeAndSharePointHeaders, .exchangeOnlineBuildOffMicrosoft])
        #expect(profile.candidates.isEmpty)
    }

    @Test("27. Havoc C2 profile copying outlook.live.com headers, on a self-signed certificate")
    func havoc() {
        let profile = Self.classify([Self.response("havoc-c2-profile.http", path: "/")], certificate: Self.selfSigned)
        #expect(!profile.exchangeOnline)
        #expect(!profile.detected)
        #expect(Self.codes(profile) == [.exchangeOnlineHeadersOffMicrosoft])
        #expect(!profile.signals.contains(.identityHeaders))
    }

    @Test("28. Flask fake Exchange Online responder on a known non-Microsoft network")
    func flask() {
        let profile = Self.classify([Self.response("flask-fake-exo.http", path: "/owa/")], certificate: nil, microsoftNetwork: false)
        #expect(!profile.exchangeOnline)
        #expect(Self.codes(profile) == [.exchangeOnlineHeadersOffMicrosoft])
        #expect(profile.signals.isEmpty)
    }

    @Test("29. Exchange Online with a Microsoft certificate: excluded, no verdict")
    func exchangeOnline() {
        let profile = Self.classify([
            Self.response("exo-owa-service.http", path: "/owa/service.svc"),
            Self.response("exo-bearer-wildcard.http", path: "/Microsoft-Server-ActiveSync"),
        ], certificate: Self.microsoft)
        #expect(profile.exchangeOnline)
        #expect(profile.verdict == nil)
        #expect(profile.candidates.isEmpty)
        #expect(profile.anomalies.isEmpty)
        #expect(!profile.hybrid.likely)
        #expect(profile.evidence.filter { $0.source == .exchangeOnline }.count >= 3)
    }

    @Test("30. Exchange Online by its Bearer @* on Microsoft's network")
    func exchangeOnlineBearer() {
        let profile = Self.classify([Self.response("exo-bearer-wildcard.http", path: "/Microsoft-Server-ActiveSync")],
                                    certificate: nil, microsoftNetwork: true)
        #expect(profile.exchangeOnline)
    }

    @Test("31. Exchange Online tells with an on-premises build, network unknown: excluded and flagged")
    func exchangeOnlineWithOnPremBuild() {
        let profile = Self.classify([Self.response("exo-owa-service.http", path: "/owa/service.svc", set: ["X-OWA-Version": "15.2.1544.11"])],
                                    certificate: nil)
        #expect(profile.exchangeOnline)
        #expect(Self.codes(profile) == [.exchangeOnlineTellsWithOnPremBuild])
        #expect(profile.verdict == nil)
    }

    @Test("32. Exchange and SharePoint headers in one response are flagged; on separate paths they are not")
    func sharePoint() {
        let mixed = Self.classify([
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json", set: ["MicrosoftSharePointTeamServices": "16.0.0.5513"]),
        ])
        #expect(Self.codes(mixed) == [.exchangeAndSharePointHeaders])
        #expect(mixed.confidence == .low)
        let separate = Self.classify([
            Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/autodiscover.json"),
            HTTPEvidence(path: "/_layouts/15/start.aspx", status: 401, headers: HTTPHeaders([("MicrosoftSharePointTeamServices", "16.0.0.5513")])),
        ])
        #expect(separate.anomalies.isEmpty)
        #expect(separate.confidence == .high)
    }

    @Test("33. The profile round-trips through JSON")
    func codable() throws {
        let profile = Self.classify([
            Self.response("eas-bearer-2019-cu14.http", path: "/Microsoft-Server-ActiveSync"),
            Self.page(cu: "15.2.1544"),
            Self.manifest("exporttool-15.2.986.5.application"),
        ])
        let data = try JSONEncoder().encode(profile)
        let decoded = try JSONDecoder().decode(HostProfile.self, from: data)
        #expect(decoded == profile)
        let json = String(decoding: data, as: UTF8.self)
        #expect(json.contains(#""schema":"exscope.fingerprint\/1""#))
        #expect(json.contains(#""code":"path-cu-mismatch""#) || json.contains(#""code":"exporttool-header-mismatch""#))
    }

    @Test("34. The evidence model round-trips through JSON with repeated headers in order")
    func evidenceCodable() throws {
        let evidence = HostEvidence(responses: [Self.response("autodiscover-401-2019-cu11.http", path: "/autodiscover/")], certificate: Self.selfSigned)
        let decoded = try JSONDecoder().decode(HostEvidence.self, from: JSONEncoder().encode(evidence))
        #expect(decoded == evidence)
        #expect(decoded.responses[0].headers.values("WWW-AUTHENTICATE") == ["Negotiate", "NTLM", #"Basic realm="mail.domain.corp""#])
    }
}
