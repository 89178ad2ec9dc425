import ExScopeCore
import ExScopeTesting
import Foundation
import NIOCore
import NIOSSL
import Testing
import SwiftASN1
import X509

@Suite("Fake Exchange server")
struct FakeServerTests {
    static let catalog = SimulatorFleetTests.catalog
    static let request = "GET /owa/ HTTP/1.1\r\nHost: mail.test.example\r\nUser-Agent: test\r\n\r\n"

    private func withServer(_ persona: Persona, tls: Bool = true,
                            _ body: (FakeExchangeServer) async throws -> Void) async throws {
        let server = try FakeExchangeServer(persona: persona, tls: tls, catalog: Self.catalog)
        try await server.start()
        do {
            try await body(server)
        } catch {
            try? await server.stop()
            throw error
        }
        try await server.stop()
    }

    @Test("binds 127.0.0.1 on a kernel-chosen port")
    func bindsLoopback() async throws {
        try await withServer(.webServer(.apache)) { server in
            #expect(server.address == "127.0.0.1")
            #expect(server.port > 0)
            #expect(server.host.ip == "127.0.0.1" && server.host.port == server.port)
        }
    }

    @Test("Exchange 2010: four-part paths and X-OWA-Version on the logon page, no CAFE headers")
    func exchange2010() async throws {
        try await withServer(.onPrem(BuildNumber(14, 3, 513, 0))) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            let responses = try await connection.get(["/owa/auth/logon.aspx",
                                                      "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"])
            await connection.close()
            #expect(responses[0].header("X-OWA-Version") == "14.3.513.0")
            #expect(responses[0].text.contains("/owa/14.3.513.0/themes/"))
            #expect(responses[0].text.contains("IE=EmulateIE7"))
            #expect(responses[0].header("X-FEServer") == nil)
            #expect(responses[1].status == 404)
            #expect(server.host.truth.product == "exchange-2010" && server.host.truth.precision == .exact)
        }
    }

    @Test("the honeypot serves a manifest with a zero token and version 15.0.0.0")
    func honeypot() async throws {
        try await withServer(.honeypot(.exportToolBait)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            let responses = try await connection.get(["/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"])
            await connection.close()
            #expect(responses[0].text.contains("version=\"15.0.0.0\" publicKeyToken=\"0000000000000000\""))
            #expect(responses[0].text.contains("Example Corp."))
            #expect(server.host.truth.anomalies == [.honeypot] && !server.host.truth.detected)
        }
    }

    @Test("the rewritten-header host claims SE while its paths say 2019 CU15")
    func rewritten() async throws {
        let identity = ServerIdentity.contoso
        try await withServer(.rewrittenHeader(real: BuildNumber(15, 2, 1748, 36), claimed: "15.02.2562.037", identity: identity)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            let responses = try await connection.get(["/EWS/Exchange.asmx", "/owa/auth/logon.aspx",
                                                      "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"])
            await connection.close()
            #expect(responses[0].header("X-OWA-Version") == "15.02.2562.037")
            #expect(responses[1].text.contains("/owa/auth/15.2.1748/"))
            #expect(responses[2].status == 403)
            #expect(server.host.truth.build == "15.2.1748" && server.host.truth.anomalies == [.versionMismatch])
        }
    }

    @Test("the phishing clone carries exactly one marker")
    func phishing() async throws {
        try await withServer(.phishingClone) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            let page = try await connection.get(["/owa/auth/logon.aspx"])[0]
            await connection.close()
            let markers = ["<!-- OwaPage = ASP.auth_logon_aspx -->", "{57A118C6-2DA9-419d-BE9A-F92B0F9A418B}",
                           "IsOwaPremiumBrowser", "/owa/auth/15.", "class=\"signInHeader\"", "<title>Outlook"]
            #expect(markers.filter { page.text.contains($0) } == ["<!-- OwaPage = ASP.auth_logon_aspx -->"])
            #expect(page.header("X-OWA-Version") == nil && page.header("X-FEServer") == nil)
        }
    }

    @Test("the reverse proxy replaces the logon page but passes the EWS 401")
    func reverseProxy() async throws {
        try await withServer(.reverseProxy(ExchangeServer(build: BuildNumber(15, 1, 2507, 55)))) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            let responses = try await connection.get(["/owa/", "/lm_auth_proxy?LMLogon", "/EWS/Exchange.asmx"])
            await connection.close()
            #expect(responses[0].header("Location")?.contains("lm_auth_proxy") == true)
            #expect(responses[1].text.contains("LoadMaster ESP Login"))
            #expect(responses[2].header("X-OWA-Version") == "15.1.2507.55")
            #expect(server.host.truth.cve202553786 == .patched)
        }
    }

    @Test("the script-injection host puts payloads in headers, page, NTLM names and certificate")
    func scriptInjection() async throws {
        try await withServer(.scriptInjection(build: BuildNumber(15, 2, 1544, 14))) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            let responses = try await connection.get(["/owa/", "/owa/auth/logon.aspx", "/EWS/"],
                                                     headers: ["Authorization": ntlmNegotiate])
            let certificate = try await connection.channel.nioSSL_peerCertificate().get()
            await connection.close()
            #expect(responses[0].header("X-FEServer") == "<script>alert(1)</script>")
            #expect(responses[0].header("Server")?.contains("<script>") == true)
            #expect(responses[1].text.contains("<title>Outlook <script>alert(1)</script>\"><img src=x onerror="))
            let challenge = try #require(responses[2].headers("WWW-Authenticate").first { $0.hasPrefix("NTLM ") })
            let type2 = try #require(NTLMType2(base64: String(challenge.dropFirst(5))))
            #expect(type2.string(1) == "<script>alert(1)</script>")
            let leaf = try Certificate(derEncoded: try #require(certificate).toDERBytes())
            #expect(leaf.subject.description.contains("onerror=alert('cn')"))
            #expect(server.host.truth.anomalies == [.scriptPayload])
        }
    }

    @Test("refuse: the port is closed")
    func refuse() async throws {
        try await withServer(.hostile(.refuse)) { server in
            #expect(server.port > 0)
            await #expect(throws: (any Error).self) {
                _ = try await TestConnection.open(server.address, server.port, tls: false)
            }
            #expect(server.host.truth.status == .connectionRefused)
        }
    }

    @Test("accept-then-hang: the connection opens and no byte arrives, not even a ServerHello")
    func acceptThenHang() async throws {
        try await withServer(.hostile(.acceptThenHang)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: false)
            connection.send(bytes: [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])
            let anything = await connection.collected.wait(timeout: .milliseconds(600)) { !$0.bytes.isEmpty || $0.closed }
            #expect(!anything)
            #expect(server.requestLog.connections(to: "127.0.0.1") == 1)
            await connection.close()
            #expect(server.host.truth.status == .ioTimeout)
        }
    }

    @Test("hang-after-request: TLS completes, the request is read, no answer")
    func hangAfterRequest() async throws {
        try await withServer(.hostile(.hangAfterRequest)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            let anything = await connection.collected.wait(timeout: .milliseconds(600)) { !$0.bytes.isEmpty || $0.closed }
            #expect(!anything)
            #expect(server.requestLog.requests(to: "127.0.0.1", path: "/owa/") == 1)
            await connection.close()
        }
    }

    @Test("garbage: random bytes instead of a TLS ServerHello, then close")
    func garbage() async throws {
        try await withServer(.hostile(.garbage)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: false)
            let closed = await connection.collected.wait(timeout: .seconds(3)) { $0.closed }
            let bytes = connection.collected.bytes
            #expect(closed && bytes.count >= 64)
            #expect(!(0x14...0x17).contains(bytes[0]))
            #expect(!bytes.starts(with: Array("HTTP/".utf8)))
            #expect(server.host.truth.status == .tlsError)
        }
    }

    @Test("garbage after the handshake: non-HTTP bytes on a working TLS session")
    func garbageAfterHandshake() async throws {
        try await withServer(.hostile(.garbageAfterHandshake)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            _ = await connection.collected.wait(timeout: .seconds(3)) { $0.closed }
            let bytes = connection.collected.bytes
            #expect(bytes.count >= 64 && !bytes.starts(with: Array("HTTP/".utf8)))
            #expect(server.host.truth.status == .protocolError)
        }
    }

    @Test("truncated headers: a status line and half a header, then EOF")
    func truncatedHeaders() async throws {
        try await withServer(.hostile(.truncatedHeaders)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            let closed = await connection.collected.wait(timeout: .seconds(3)) { $0.closed }
            let text = String(decoding: connection.collected.bytes, as: UTF8.self)
            #expect(closed && text.hasPrefix("HTTP/1.1 200 OK\r\n") && !text.contains("\r\n\r\n"))
        }
    }

    @Test("oversized headers: more than 64 KB of header lines without an end")
    func oversizedHeaders() async throws {
        try await withServer(.hostile(.oversizedHeaders(bytes: 200 * 1024))) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            let big = await connection.collected.wait(timeout: .seconds(5)) { $0.bytes.count > 100 * 1024 }
            let bytes = connection.collected.bytes
            await connection.close()
            #expect(big)
            #expect(bytes.starts(with: Array("HTTP/1.1 200 OK\r\n".utf8)))
            #expect(bytes.firstRange(of: [13, 10, 13, 10]) == nil)
            #expect(server.host.truth.status == .limitExceeded)
        }
    }

    @Test("oversized body: a huge Content-Length, streamed as the client reads")
    func oversizedBody() async throws {
        try await withServer(.hostile(.oversizedBody(bytes: 512 * 1024 * 1024))) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            let some = await connection.collected.wait(timeout: .seconds(5)) { $0.bytes.count > 2 * 1024 * 1024 }
            let head = String(decoding: connection.collected.bytes.prefix(200), as: UTF8.self)
            await connection.close()
            #expect(some)
            #expect(head.contains("Content-Length: 536870912"))
            // The server stops streaming once the client is gone.
            let drained = await Collected().wait(timeout: .seconds(3)) { _ in server.openConnections == 0 }
            #expect(drained)
        }
    }

    @Test("slow drip: one byte every interval")
    func slowDrip() async throws {
        try await withServer(.hostile(.slowDrip(intervalMilliseconds: 100))) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            try await Task.sleep(for: .milliseconds(1000))
            let count = connection.collected.bytes.count
            await connection.close()
            #expect(count >= 3 && count <= 15, "received \(count) bytes in 1 s")
            let received = String(decoding: connection.collected.bytes, as: UTF8.self)
            #expect("HTTP/1.1 302 Found\r\n".hasPrefix(received) || received.hasPrefix("HTTP/1.1 302"))
        }
    }

    @Test("plain text on a TLS port: the ClientHello gets an HTTP 400; a TLS client fails")
    func plainTextOnTLSPort() async throws {
        try await withServer(.hostile(.plainTextOnTLSPort)) { server in
            let raw = try await TestConnection.open(server.address, server.port, tls: false)
            raw.send(bytes: [0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5])
            _ = await raw.collected.wait(timeout: .seconds(3)) { $0.closed }
            #expect(String(decoding: raw.collected.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 400 Bad Request"))
            let tls = try await TestConnection.open(server.address, server.port, tls: true)
            let failed = await tls.collected.wait(timeout: .seconds(3)) { $0.error != nil }
            #expect(failed)
            await tls.close()
        }
    }

    @Test("TLS abort: the handshake is reset")
    func tlsAbort() async throws {
        try await withServer(.hostile(.tlsAbort)) { server in
            let tls = try await TestConnection.open(server.address, server.port, tls: true)
            let failed = await tls.collected.wait(timeout: .seconds(3)) { $0.error != nil && $0.closed }
            #expect(failed)
            #expect(tls.collected.bytes.isEmpty)
            #expect(server.host.truth.status == .tlsError)
        }
    }

    @Test("reset mid-response: part of a body, then a reset")
    func resetMidResponse() async throws {
        try await withServer(.hostile(.resetMidResponse)) { server in
            let connection = try await TestConnection.open(server.address, server.port, tls: true)
            connection.send(Self.request)
            let closed = await connection.collected.wait(timeout: .seconds(3)) { $0.closed }
            let bytes = connection.collected.bytes
            #expect(closed)
            #expect(bytes.starts(with: Array("HTTP/1.1 200 OK".utf8)))
            #expect(TestResponse.parseAll(bytes).isEmpty, "the body must be incomplete")
        }
    }
}
