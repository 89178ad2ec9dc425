// Fingerprinting cost per host: parse and classify one host's typical evidence
// (a 28 KB logon page, the /owa/ 302 and Autodiscover 401 headers with an NTLM
// challenge, a 16 KB export tool manifest). Issue target: under 100 µs per host
// on one core in a release build.
import ExScopeCore

enum FingerprintBench {
    static func run() throws {
        let catalog = try Catalog.bundled()
        guard let asOf = CalendarDate(year: 2025, month: 8, day: 10) else { return }
        let evidence = makeEvidence()
        let bytes = evidence.responses.reduce(0) { $0 + $1.body.count }

        // Warm up and check that the evidence is what it should be.
        let profile = Fingerprinter.classify(evidence, catalog: catalog, asOf: asOf)
        guard profile.detected, profile.build == "15.2.1544.25", profile.anomalies.isEmpty else {
            print("fingerprint: unexpected profile: detected=\(profile.detected) build=\(profile.build ?? "-") anomalies=\(profile.anomalies.map(\.code))")
            return
        }

        // Best of several batches: the figure is the cost on an idle core, not the
        // noise of whatever else the machine is doing.
        let batches = 7, iterations = 1_000
        let clock = ContinuousClock()
        var sink = 0
        var best = Double.infinity
        for _ in 0..<batches {
            let elapsed = clock.measure {
                for _ in 0..<iterations {
                    let result = Fingerprinter.classify(evidence, catalog: catalog, asOf: asOf)
                    sink &+= result.evidence.count
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds)
        }
        let perHost = best / Double(iterations) * 1e6
        let rate = Double(iterations) / best
        print("fingerprint: \(Int(rate)) hosts/s, \(formatted(perHost)) µs/host (target < 100 µs; best of \(batches) × \(iterations); \(bytes / 1024) KB of bodies per host) [\(sink % 2)]")
    }

    private static func formatted(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    /// One 2019 CU14 host as the scanner would collect it.
    static func makeEvidence() -> HostEvidence {
        let owa302 = HTTPEvidence(path: "/owa/", status: 302, headers: HTTPHeaders([
            ("Cache-Control", "no-cache"), ("Location", "https://mail.contoso.com/owa/auth/logon.aspx?url=https%3a%2f%2fmail.contoso.com%2fowa%2f&reason=0"),
            ("Server", "Microsoft-IIS/10.0"), ("request-id", "e379a219-4853-478b-ab37-842e5e5915b9"), ("X-OWA-Version", "15.2.1544.25"),
            ("X-FEServer", "EX19-01"), ("X-Powered-By", "ASP.NET"), ("Date", "Sun, 10 Aug 2025 10:00:00 GMT"), ("Content-Length", "0"),
        ]))
        let ntlm = "TlRMTVNTUAACAAAABAAEADgAAAAFgomi3k7KRx+HGYQAAAAAAAAAALQAtAA8AAAABgGwHQAAAA9OAEEAAgAEAE4AQQABABYATgBBAFMAQQBOAEUAWABIAEMAMAA0AAQAHgBuAGEALgBxAHUAYQBsAGMAbwBtAG0ALgBjAG8AbQADADYAbgBhAHMAYQBuAGUAeABoAGMAMAA0AC4AbgBhAC4AcQB1AGEAbABjAG8AbQBtAC4AYwBvAG0ABQAiAGMAbwByAHAALgBxAHUAYQBsAGMAbwBtAG0ALgBjAG8AbQAHAAgADXHouNLjzAEAAAAA"
        let autodiscover = HTTPEvidence(path: "/autodiscover/autodiscover.xml", status: 401, headers: HTTPHeaders([
            ("cache-control", "private"), ("server", "Microsoft-IIS/10.0"), ("request-id", "8f2514fe-ba3e-4105-9c35-0a276e75331b"),
            ("x-calculatedbetarget", "ex19-01.contoso.local"), ("x-owa-version", "15.2.1544.25"),
            ("www-authenticate", "NTLM \(ntlm)"), ("www-authenticate", "Negotiate"),
            ("www-authenticate", #"Basic realm="mail.contoso.com""#), ("x-feserver", "EX19-01"), ("content-length", "0"),
        ]))
        let logon = HTTPEvidence(path: "/owa/auth/logon.aspx", status: 200, headers: HTTPHeaders([
            ("Content-Type", "text/html; charset=utf-8"), ("Server", "Microsoft-IIS/10.0"), ("Request-Id", "a28ec5d6-504a-4b43-9353-e2d7237e0c00"),
            ("Set-Cookie", "ClientId=0A1B2C3D; expires=Mon, 10-Aug-2026 10:00:00 GMT; path=/; secure; HttpOnly"),
        ]), body: Array(logonPage(cu: "15.2.1544").utf8))
        let manifest = HTTPEvidence(path: "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application", status: 200,
                                    headers: HTTPHeaders([("Content-Type", "application/x-ms-application")]),
                                    body: Array(exportToolManifest(version: "15.2.1544.25").utf8))
        let certificate = CertificateSummary(subjectCommonName: "mail.contoso.com", subjectAlternativeNames: ["mail.contoso.com", "autodiscover.contoso.com"],
                                             issuer: "R11", selfSigned: false)
        return HostEvidence(responses: [owa302, logon, autodiscover, manifest], certificate: certificate)
    }

    /// A ~28 KB OWA logon page with the real markers, padded with CSS and script of the same shape.
    static func logonPage(cu: String) -> String {
        var page = """
            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
            <!-- Copyright (c) 2011 Microsoft Corporation.  All rights reserved. -->
            <!-- OwaPage = ASP.auth_logon_aspx -->

            <!-- {57A118C6-2DA9-419d-BE9A-F92B0F9A418B} -->
            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
            <html>
            <head>
            <meta http-equiv="X-UA-Compatible" content="IE=10" />
            <link rel="shortcut icon" href="/owa/auth/\(cu)/themes/resources/favicon.ico" type="image/x-icon">
            <meta http-equiv="Content-Type" content="text/html; CHARSET=utf-8">
            <meta name="Robots" content="NOINDEX, NOFOLLOW">
            <title>Outlook</title>
            <style>

            """
        var rule = 0
        while page.utf8.count < 14_000 {
            page += ".signInInputText\(rule % 17)\n{\n    font-family: \"wf_segoe-ui_normal\", \"Segoe UI\", Tahoma, Arial, sans-serif;\n    color: #333333;\n    border: 1px solid #c8c8c8;\n    background: url(\"/owa/auth/\(cu)/themes/resources/bg_gradient.png\");\n}\n"
            rule += 1
        }
        page += "</style>\n<script type=\"text/javascript\">\nfunction IsOwaPremiumBrowser() { return true; }\n"
        while page.utf8.count < 26_500 {
            page += "function clkLgn\(rule)(o) { if (o && o.value != null) { return o.value.length > \(rule); } return false; } // script block\n"
            rule += 1
        }
        page += """
            </script>
            </head>
            <body class="signInBg">
            <noscript><div id="dvErr">To use Outlook, browser settings must allow scripts to run.</div></noscript>
            <form action="/owa/auth.owa" method="POST" name="logonForm" autocomplete="off">
            <div class="twide signInHeader">Outlook</div>
            <input id="username" name="username" class="signInInputText"/><input id="password" name="password" type="password"/>
            </form>
            </body>
            </html>

            """
        while page.utf8.count < 28_000 { page += "<!-- padding -->\n" }
        return page
    }

    /// A ~16 KB ClickOnce deployment manifest with three agreeing assemblyIdentity elements.
    static func exportToolManifest(version: String) -> String {
        let token = "b1d1a6c45aa418ce"
        // Certificate-sized base64 filler from a fixed LCG.
        var filler: [UInt8] = []
        var seed: UInt64 = 0x1234_5678
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        while filler.count < 12_500 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            filler.append(alphabet[Int(seed >> 58)])
            if filler.count % 77 == 76 { filler.append(0x0A) }
        }
        let fillerText = String(decoding: filler, as: UTF8.self)
        return """
            <?xml version="1.0" encoding="utf-8"?>
            <asmv1:assembly xsi:schemaLocation="urn:schemas-microsoft-com:asm.v1 assembly.adaptive.xsd" manifestVersion="1.0" xmlns:asmv1="urn:schemas-microsoft-com:asm.v1" xmlns="urn:schemas-microsoft-com:asm.v2" xmlns:asmv2="urn:schemas-microsoft-com:asm.v2" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:dsig="http://www.w3.org/2000/09/xmldsig#">
              <assemblyIdentity xmlns="urn:schemas-microsoft-com:asm.v1" name="microsoft.exchange.ediscovery.exporttool.application" version="\(version)" publicKeyToken="\(token)" language="neutral" processorArchitecture="msil"/>
              <description asmv2:publisher="Microsoft Corporation" asmv2:product="Microsoft Exchange eDiscovery Export Tool" xmlns="urn:schemas-microsoft-com:asm.v1" />
              <deployment install="false" mapFileExtensions="true" trustURLParameters="true"><deploymentProvider codebase="https://mail.contoso.com/ecp/15.2.1544/exporttool/microsoft.exchange.ediscovery.exporttool.application" /></deployment>
              <dependency>
                <dependentAssembly dependencyType="install" codebase="microsoft.exchange.ediscovery.exporttool.exe.manifest" size="212992">
                  <assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="\(version)" publicKeyToken="\(token)" language="neutral" processorArchitecture="msil" type="win32"/>
                </dependentAssembly>
              </dependency>
            <Signature Id="StrongNameSignature" xmlns="http://www.w3.org/2000/09/xmldsig#"><KeyInfo><msrel:RelData xmlns:msrel="http://schemas.microsoft.com/windows/rel/2005/reldata"><r:license xmlns:r="urn:mpeg:mpeg21:2003:01-REL-R-NS" xmlns:as="http://schemas.microsoft.com/windows/pki/2005/Authenticode"><r:grant><as:ManifestInformation Hash="00" Description="" Url=""><as:assemblyIdentity xmlns="urn:schemas-microsoft-com:asm.v1" name="microsoft.exchange.ediscovery.exporttool.application" version="\(version)" publicKeyToken="\(token)" language="neutral" processorArchitecture="msil"/></as:ManifestInformation></r:grant><r:issuer><Signature><X509Data><X509Certificate>
            \(fillerText)
            </X509Certificate></X509Data></Signature></r:issuer></r:license></msrel:RelData></KeyInfo></Signature></asmv1:assembly>

            """
    }
}
