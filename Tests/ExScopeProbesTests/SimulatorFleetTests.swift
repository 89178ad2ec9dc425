import ExScopeCore
import ExScopeTesting
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing
import SwiftASN1
import X509

@Suite("Fleet simulator")
struct SimulatorFleetTests {
    static let catalog: Catalog = {
        do { return try Catalog.bundled() } catch { fatalError("bundled catalog: \(error)") }
    }()

    @Test("the same seed gives the same fleet, a longer fleet extends a shorter one")
    func deterministic() throws {
        let a = try FleetSimulator(configuration: .init(hosts: 300, seed: 42), catalog: Self.catalog)
        let b = try FleetSimulator(configuration: .init(hosts: 300, seed: 42), catalog: Self.catalog)
        let longer = try FleetSimulator(configuration: .init(hosts: 400, seed: 42), catalog: Self.catalog)
        let other = try FleetSimulator(configuration: .init(hosts: 300, seed: 43), catalog: Self.catalog)
        #expect(a.hosts.map(\.persona) == b.hosts.map(\.persona))
        #expect(a.hosts.map(\.truth) == b.hosts.map(\.truth))
        #expect(Array(longer.hosts.prefix(300).map(\.persona)) == a.hosts.map(\.persona))
        #expect(a.hosts.map(\.persona) != other.hosts.map(\.persona))
        #expect(a.hosts.first?.ip == "127.10.0.1")
        #expect(a.hosts.last?.ip == "127.10.1.44")
    }

    @Test("the default mix is realistic: every kind, vulnerable and patched builds, a few hostile")
    func defaultMix() throws {
        let fleet = try FleetSimulator(configuration: .init(hosts: 3000, seed: 7), catalog: Self.catalog)
        let hosts = fleet.hosts
        let kinds = Dictionary(grouping: hosts, by: { $0.persona.kind.split(separator: "/").first.map(String.init) ?? "" })
        for kind in ["exchange", "exchange-cu-only", "exchange-2010", "exchange-online", "honeypot", "rewritten-header",
                     "reverse-proxy", "phishing-clone", "web-server", "script-injection", "hostile"] {
            #expect(kinds[kind] != nil, "no \(kind) host")
        }
        let onPrem = hosts.filter { $0.truth.detected && !$0.truth.exchangeOnline }
        #expect(onPrem.count > hosts.count * 6 / 10)
        let products = Set(onPrem.compactMap(\.truth.product))
        #expect(products.isSuperset(of: ["exchange-2016", "exchange-2019", "exchange-se"]))
        #expect(onPrem.allSatisfy { $0.truth.product != nil && $0.truth.cu != nil })
        let vulnerable = onPrem.filter { $0.truth.cve202553786 == .vulnerable }.count
        let patched = onPrem.filter { $0.truth.cve202553786 == .patched }.count
        #expect(vulnerable > 100 && patched > 100, "vulnerable \(vulnerable), patched \(patched)")
        #expect(onPrem.contains { $0.truth.precision == .cu })
        #expect(onPrem.contains { $0.truth.hybridTenant != nil })
        let hostile = hosts.filter { if case .hostile = $0.persona { true } else { false } }.count
        #expect(hostile > hosts.count / 30 && hostile < hosts.count / 6)
        #expect(hosts.allSatisfy { $0.ip.hasPrefix("127.") })
        // Certificates are shared: a handful of specs for thousands of hosts.
        #expect(Set(hosts.compactMap(\.certificate)).count < 20)
    }

    @Test("non-loopback addresses are refused", arguments: ["0.0.0.0", "10.0.0.1", "192.168.1.1", "128.0.0.1", "::1", "localhost"])
    func loopbackOnly(address: String) {
        #expect(throws: SimulatorError.self) {
            _ = try FleetSimulator(configuration: .init(hosts: 3, baseAddress: address), catalog: Self.catalog)
        }
        #expect(throws: SimulatorError.self) {
            _ = try FakeExchangeServer(persona: .phishingClone, address: address, catalog: Self.catalog)
        }
    }

    @Test("a fleet that would leave 127.0.0.0/8 is refused")
    func fleetMustFit() {
        #expect(throws: SimulatorError.self) {
            _ = try FleetSimulator(configuration: .init(hosts: 10, baseAddress: "127.255.255.250"), catalog: Self.catalog)
        }
    }

    @Test("a started fleet binds one loopback socket per answering host, all on one port, and serves the personas")
    func servesPersonas() async throws {
        let tenant = "1d3c9b43-0d0f-45d9-a207-99dc10fb7d4a"
        let identity = ServerIdentity(netBIOSComputerName: "EX19-07", netBIOSDomainName: "ADATUM",
                                      dnsDomainName: "corp.adatum.local", publicHostName: "mail.adatum.example",
                                      windows: .server2022)
        let personas: [Persona] = [
            .exchange(ExchangeServer(build: BuildNumber(15, 2, 1748, 24), identity: identity, hybridTenant: tenant)),
            .onPrem(BuildNumber(15, 1, 2507, 44), disclosure: .cuOnly),
            .hostile(.refuse),
            .exchangeOnline(build: BuildNumber(15, 20, 8901, 12)),
            .webServer(.nginx),
        ]
        let fleet = try FleetSimulator(configuration: .init(personas: personas, baseAddress: "127.10.3.1"),
                                       catalog: Self.catalog)
        try await fleet.start()
        do {
            let port = fleet.port
            #expect(port > 0)
            let bound = fleet.boundAddresses
            #expect(Set(bound) == ["127.10.3.1:\(port)", "127.10.3.2:\(port)", "127.10.3.4:\(port)", "127.10.3.5:\(port)"])
            #expect(bound.allSatisfy { $0.hasPrefix("127.") })
            #expect(fleet.hosts.allSatisfy { $0.port == port })

            // Exchange 2019 CU15 Apr25HU, hybrid: the whole probe plan on one keep-alive connection.
            let hybrid = fleet.hosts[0]
            #expect(hybrid.truth.build == "15.2.1748.24" && hybrid.truth.precision == .exact)
            #expect(hybrid.truth.cu == "CU15" && hybrid.truth.update == "Apr25HU")
            #expect(hybrid.truth.cve202553786 == .patched)
            let connection = try await TestConnection.open(hybrid.ip, port, tls: true)
            let responses = try await connection.get([
                "/owa/", "/owa/auth/logon.aspx?url=https%3a%2f%2fmail%2fowa%2f&reason=0",
                "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application",
                "/EWS/Exchange.asmx", "/Autodiscover/Autodiscover.xml",
            ])
            let certificate = try await connection.channel.nioSSL_peerCertificate().get()
            await connection.close()
            #expect(responses.count == 5)
            let redirect = responses[0], logon = responses[1], manifest = responses[2], ews = responses[3], autodiscover = responses[4]
            #expect(redirect.status == 302)
            #expect(redirect.header("Location")?.hasPrefix("/owa/auth/logon.aspx?url=https%3a%2f%2fmail.test.example%2fowa%2f") == true)
            #expect(redirect.header("X-OWA-Version") == nil)
            #expect(redirect.header("X-FEServer") == "EX19-07")
            #expect(logon.status == 200 && logon.header("X-OWA-Version") == nil)
            #expect(logon.body.count > 26_000 && logon.body.count < 30_000)
            #expect(logon.text.contains("<!-- OwaPage = ASP.auth_logon_aspx -->"))
            #expect(logon.text.contains("{57A118C6-2DA9-419d-BE9A-F92B0F9A418B}"))
            #expect(logon.text.contains("href=\"/owa/auth/15.2.1748/themes/resources/favicon.ico\""))
            #expect(logon.text.contains("<title>Outlook</title>"))
            #expect(!logon.text.contains("/owa/auth/15.2.1748.24/"))
            #expect(manifest.status == 200 && manifest.header("Content-Type") == "application/x-ms-application")
            let versions = manifest.text.components(separatedBy: "<assemblyIdentity").count
                + manifest.text.components(separatedBy: "<as:assemblyIdentity").count - 2
            #expect(versions == 3)
            #expect(manifest.text.components(separatedBy: "version=\"15.2.1748.24\"").count - 1 == 3)
            #expect(manifest.text.contains("publicKeyToken=\"b1d1a6c45aa418ce\""))
            for challenge in [ews, autodiscover] {
                #expect(challenge.status == 401)
                #expect(challenge.header("X-OWA-Version") == "15.2.1748.24")
                #expect(challenge.headers("WWW-Authenticate").contains("NTLM"))
                #expect(challenge.header("request-id") != nil)
            }
            let leaf = try Certificate(derEncoded: try #require(certificate).toDERBytes())
            #expect(leaf.subject.description.contains(try #require(hybrid.certificate?.commonName)))
            #expect(fleet.requestLog.connections(to: hybrid.ip) == 1)
            #expect(fleet.requestLog.requests(to: hybrid.ip) == 5)
            #expect(fleet.requestLog.requests(to: hybrid.ip, path: "/EWS/Exchange.asmx") == 1)
            #expect(fleet.requestLog.paths(for: hybrid.ip).keys.contains("/owa/auth/logon.aspx"))
            #expect(fleet.requestLog.recentRequests.allSatisfy { $0.userAgent == "ExScope-Simulator-Tests" })

            // NTLM Type 2 and the hybrid Bearer challenge.
            let identityConnection = try await TestConnection.open(hybrid.ip, port, tls: true)
            let identityResponses = try await identityConnection.get(["/rpc/"], headers: ["Authorization": ntlmNegotiate])
            let bearer = try await identityConnection.get(["/rpc/", "/Microsoft-Server-ActiveSync"],
                                                          headers: ["Authorization": "Bearer "])
            await identityConnection.close()
            let ntlmHeader = try #require(identityResponses[0].headers("WWW-Authenticate").first { $0.hasPrefix("NTLM ") })
            let type2 = try #require(NTLMType2(base64: String(ntlmHeader.dropFirst(5))))
            #expect(type2.targetName == "ADATUM")
            #expect(type2.string(1) == "EX19-07")
            #expect(type2.string(2) == "ADATUM")
            #expect(type2.string(3) == "EX19-07.corp.adatum.local")
            #expect(type2.string(4) == "corp.adatum.local")
            #expect(type2.avPairs[7]?.count == 8)
            #expect(type2.version.major == 10 && type2.version.build == 20348)
            let activeSync = bearer[2]
            #expect(activeSync.status == 401)
            let bearerChallenge = try #require(activeSync.headers("WWW-Authenticate").first { $0.hasPrefix("Bearer ") })
            #expect(bearerChallenge.contains("trusted_issuers=\"00000001-0000-0000-c000-000000000000@\(tenant)\""))
            #expect(activeSync.headers("WWW-Authenticate").contains("Basic realm=\"mail.adatum.example\""))
            #expect(fleet.hosts[0].truth.hybridTenant == tenant)

            // CU-only 2016: path only, no version header, no manifest.
            let cuOnly = fleet.hosts[1]
            #expect(cuOnly.truth.precision == .cu && cuOnly.truth.build == "15.1.2507")
            #expect(cuOnly.truth.cve202553786 == .indeterminate)
            let cuConnection = try await TestConnection.open(cuOnly.ip, port, tls: true)
            let cuResponses = try await cuConnection.get([
                "/owa/auth/logon.aspx", "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application",
                "/EWS/Exchange.asmx",
            ])
            await cuConnection.close()
            #expect(cuResponses[0].text.contains("/owa/auth/15.1.2507/"))
            #expect(cuResponses[1].status == 404)
            #expect(cuResponses[2].status == 401 && cuResponses[2].header("X-OWA-Version") == nil)

            // Refused: nothing listens.
            await #expect(throws: (any Error).self) {
                _ = try await TestConnection.open(fleet.hosts[2].ip, port, tls: true)
            }
            #expect(fleet.requestLog.connections(to: fleet.hosts[2].ip) == 0)
            #expect(fleet.hosts[2].truth.status == .connectionRefused)

            // Exchange Online.
            let exo = try await TestConnection.open(fleet.hosts[3].ip, port, tls: true)
            let exoResponses = try await exo.get(["/EWS/Exchange.asmx"], headers: ["Authorization": "Bearer "])
            let exoCertificate = try await exo.channel.nioSSL_peerCertificate().get()
            await exo.close()
            #expect(exoResponses[0].header("X-OWA-Version") == "15.20.8901.12")
            #expect(exoResponses[0].header("X-CalculatedBETarget")?.hasSuffix(".prod.outlook.com") == true)
            #expect(exoResponses[0].header("X-FEProxyInfo") != nil)
            #expect(exoResponses[0].headers("WWW-Authenticate").contains { $0.contains("@*\"") })
            let exoLeaf = try Certificate(derEncoded: try #require(exoCertificate).toDERBytes())
            #expect(exoLeaf.subject.description.contains("outlook.office365.com"))
            #expect(fleet.hosts[3].truth.exchangeOnline && fleet.hosts[3].truth.product == nil)

            // Not Exchange.
            let web = try await TestConnection.open(fleet.hosts[4].ip, port, tls: true)
            let webResponses = try await web.get(["/", "/owa/"])
            await web.close()
            #expect(webResponses[0].text.contains("Welcome to nginx!"))
            #expect(webResponses[1].status == 404)
            #expect(!fleet.hosts[4].truth.detected)

            #expect(fleet.requestLog.contactedAddresses == Set([0, 1, 3, 4].map { fleet.hosts[$0].ip }))
            #expect(fleet.requestLog.connections(to: "127.99.99.99") == 0)
        } catch {
            try await fleet.stop()
            throw error
        }
        try await fleet.stop()
        await #expect(throws: (any Error).self) {
            _ = try await TestConnection.open(fleet.hosts[0].ip, fleet.port, tls: true)
        }
    }

    @Test("plain HTTP fleets serve the same personas without TLS")
    func plainHTTP() async throws {
        let fleet = try FleetSimulator(
            configuration: .init(personas: [.onPrem(BuildNumber(15, 2, 2562, 17))], baseAddress: "127.10.4.1", tls: false),
            catalog: Self.catalog)
        try await fleet.start()
        let connection = try await TestConnection.open("127.10.4.1", fleet.port, tls: false)
        let responses = try await connection.get(["/owa/auth/logon.aspx", "/Autodiscover/Autodiscover.xml"])
        await connection.close()
        try await fleet.stop()
        #expect(responses[0].text.contains("/owa/auth/15.2.2562/"))
        #expect(responses[1].header("X-OWA-Version") == "15.2.2562.17")
        #expect(fleet.hosts[0].truth.product == "exchange-se")
        #expect(fleet.hosts[0].certificate == nil)
    }

    @Test("no TLS session is resumed, not even by a client that reconnects to one host (as wrk does)")
    func noSessionResumption() async throws {
        let fleet = try FleetSimulator(
            configuration: .init(personas: [.onPrem(BuildNumber(15, 2, 2562, 17))], baseAddress: "127.10.5.1"), catalog: Self.catalog)
        try await fleet.start()
        var outputs: [String: String] = [:]
        for version in ["-tls1_2", "-tls1_3"] {
            // s_client -reconnect makes five more connections, each offering the previous session.
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
            process.arguments = ["s_client", "-connect", "127.10.5.1:\(fleet.port)", "-reconnect", version]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            outputs[version] = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
        }
        try await fleet.stop()
        for (version, output) in outputs {
            let lines = output.split(separator: "\n")
            #expect(lines.filter { $0.hasPrefix("New, TLS") }.count == 6, "\(version): \(output.prefix(400))")
            #expect(!lines.contains { $0.hasPrefix("Reused") }, "\(version) resumed a session")
        }
    }

    @Test("two thousand hosts start, answer concurrently and stop")
    func manyHosts() async throws {
        let fleet = try FleetSimulator(configuration: .init(hosts: 2000, seed: 99, baseAddress: "127.11.0.1"),
                                       catalog: Self.catalog)
        let started = ContinuousClock.now
        try await fleet.start()
        let startup = ContinuousClock.now - started
        let answering = fleet.hosts.filter { $0.truth.status == .success }
        #expect(fleet.boundAddresses.count == fleet.hosts.filter { $0.truth.status != .connectionRefused }.count)
        let sample = stride(from: 0, to: answering.count, by: max(1, answering.count / 300)).map { answering[$0] }
        let port = fleet.port
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for host in sample {
                group.addTask {
                    let connection = try await TestConnection.open(host.ip, port, tls: true)
                    defer { Task { await connection.close() } }
                    return try await connection.get(["/owa/"])[0].status
                }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.count == sample.count)
        #expect(statuses.allSatisfy { [200, 302, 404].contains($0) })
        #expect(fleet.requestLog.contactedAddresses == Set(sample.map(\.ip)))
        try await fleet.stop()
        #expect(startup < .seconds(20), "startup took \(startup)")
    }

    @Test("ground truth is written as JSON Lines")
    func groundTruthLines() throws {
        let fleet = try FleetSimulator(configuration: .init(hosts: 50, seed: 3), catalog: Self.catalog)
        let lines = try fleet.groundTruthJSONLines().split(separator: "\n")
        #expect(lines.count == 50)
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect(first?["ip"] as? String == "127.10.0.1")
        #expect((first?["truth"] as? [String: Any])?["status"] != nil)
    }
}
