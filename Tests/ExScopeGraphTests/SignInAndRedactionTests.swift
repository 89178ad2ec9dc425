import Crypto
import _CryptoExtras
import ExScopeCore
import ExScopeGraph
import ExScopeTesting
import Foundation
import Synchronization
import Testing

@Suite struct SignInAndRedactionTests {
    @Test func wrongSecretGivesTheAADSTSMeaningWithoutTheSecret() async throws {
        let tenant = MockGraphTenant.neverHybrid(secret: makeSecret())
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let wrong = makeSecret()
        let logs = LogCollector()
        let error = await #expect(throws: GraphError.self) {
            _ = try await TenantReader(client: client(server, secret: wrong, logs: logs)).read(organizationGuid: nil, tenantId: nil, now: testNow)
        }
        #expect(error?.code == .authentication)
        #expect(error?.aadsts == 7000215)
        #expect(error?.message.contains("client secret is wrong") == true)
        #expect(error?.message.contains(wrong) == false)
        #expect(logs.lines.withLock { $0 }.allSatisfy { !$0.contains(wrong) })
    }

    @Test func unknownTenantIsAADSTS90002() async throws {
        let tenant = MockGraphTenant.neverHybrid(secret: makeSecret())
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let graph = GraphClient(credential: .clientSecret(tenant: "contoso.onmicrosoft.com", clientId: MockGraphTenant.defaultClientId, secret: Secret(tenant.clientSecret)),
                                environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL))
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: graph).sharedPrincipal() }
        #expect(error?.aadsts == 90002)
    }

    @Test func certificateClientAssertionSignsIn() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        // The mock checks x5t against SHA-1 of these bytes and the RS256 signature against the key.
        let certificateDER = Array("stand-in certificate DER \(UUID())".utf8)
        var tenant = MockGraphTenant.fullyRemediated(secret: makeSecret())
        tenant.assertionCertificate = (ClientAssertion.thumbprint(certificateDER), Array(key.publicKey.derRepresentation))
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let logs = LogCollector()
        let graph = GraphClient(credential: .certificate(tenant: tenant.tenantId, clientId: tenant.clientId, certificateDER: certificateDER,
                                                         privateKeyPEM: Secret(key.pemRepresentation)),
                                environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL), logger: logs.logger)
        let principal = try await TenantReader(client: graph).sharedPrincipal()
        #expect(principal?.keyCredentials.isEmpty == true)
        let pem = key.pemRepresentation
        #expect(logs.lines.withLock { $0 }.allSatisfy { !$0.contains(pem) && !server.issuedTokens.contains(where: $0.contains) })

        // Another key with the same x5t is refused: AADSTS700027.
        let other = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let forged = GraphClient(credential: .certificate(tenant: tenant.tenantId, clientId: tenant.clientId, certificateDER: certificateDER,
                                                          privateKeyPEM: Secret(other.pemRepresentation)),
                                 environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL))
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: forged).sharedPrincipal() }
        #expect(error?.aadsts == 700027)
    }

    @Test func deviceCodeShowsTheMessageAndPolls() async throws {
        let tenant = MockGraphTenant.neverHybrid(secret: makeSecret())
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let prompts = LogCollector()
        let graph = GraphClient(credential: .deviceCode(tenant: tenant.tenantId, clientId: GraphCredential.defaultPublicClientId),
                                environment: GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL),
                                deviceCodePrompt: { message in prompts.lines.withLock { $0.append(message) } })
        let principal = try await TenantReader(client: graph).sharedPrincipal()
        #expect(principal != nil)
        #expect(prompts.lines.withLock { $0 }.first?.contains("ABCD-EFGH") == true)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2-very-secret")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        let redactor = Redactor([secret])
        #expect(redactor.clean("bad hunter2-very-secret and eyJhbGciOi.abc.def here") == "bad <redacted> and <redacted> here")
    }

    @Test func sovereignCloudEndpoints() {
        let china = GraphEnvironment(cloud: .china)
        #expect(china.loginEndpoint == "https://login.partner.microsoftonline.cn")
        #expect(china.graphEndpoint == "https://microsoftgraph.chinacloudapi.cn")
        #expect(china.scope == "https://microsoftgraph.chinacloudapi.cn/.default")
        #expect(GraphEnvironment(cloud: .usGovernmentL5).graphEndpoint == "https://dod-graph.microsoft.us")
        let overridden = GraphEnvironment(cloud: .global, loginEndpoint: "http://127.0.0.1:9/", graphEndpoint: "http://127.0.0.1:9")
        #expect(overridden.loginEndpoint == "http://127.0.0.1:9")
        #expect(overridden.scope == "https://graph.microsoft.com/.default")
    }
}
