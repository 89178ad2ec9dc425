import Crypto
import _CryptoExtras
import ExScopeGraph
import ExScopeTesting
import Foundation
import NIOCore
import Synchronization
import Testing

/// Sign-in and Graph servers that misbehave: echo secrets back, redirect, stall, or ask for absurd waits.
@Suite struct HostileGraphTests {
    /// A secret whose form-encoded and JSON-escaped forms differ from it.
    static let secret = "S3cr3t+Val/ue=xyz-" + UUID().uuidString

    static func environment(_ server: MockGraphServer) -> GraphEnvironment {
        GraphEnvironment(loginEndpoint: server.baseURL, graphEndpoint: server.baseURL)
    }

    static func tenant(_ hostile: @escaping @Sendable (String, String, [(String, String)], [UInt8]) -> MockGraphTenant.HostileAnswer?) -> MockGraphTenant {
        var tenant = MockGraphTenant.fullyRemediated(secret: secret)
        tenant.behaviour.hostile = hostile
        return tenant
    }

    static func isSignIn(_ path: String) -> Bool { path.contains("/oauth2/v2.0/") }

    @Test func theRedactorCatchesEncodedSecretsJWTsInsideWordsAndControlCharacters() {
        let redactor = Redactor([Secret("S3cr3t+Val/ue=xyz")])
        #expect(redactor.clean("got client_secret=S3cr3t%2BVal%2Fue%3Dxyz&x=1") == "got client_secret=<redacted>&x=1")
        #expect(redactor.clean(#"{"secret":"S3cr3t+Val\/ue=xyz"}"#) == #"{"secret":"<redacted>"}"#)
        #expect(redactor.clean("client_assertion=eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl&grant_type=x") == "client_assertion=<redacted>&grant_type=x")
        #expect(redactor.clean("'eyJhbGciOi.eyJzdWIi.c2ln'") == "'<redacted>'")
        #expect(redactor.clean("eyJonly.one-dot") == "eyJonly.one-dot")
        #expect(redactor.clean("a\u{1B}[2Jb\u{9B}c\rd") == "a?[2Jb?c d")
    }

    /// Whatever part of Graph's error answer echoes the bearer token, the message does not show it.
    @Test(arguments: ["code", "message"])
    func aGraphErrorThatEchoesTheTokenIsRedacted(_ field: String) async throws {
        let server = try await MockGraphServer.start(Self.tenant { _, path, headers, _ in
            guard !Self.isSignIn(path) else { return nil }
            let auth = headers.first { $0.0.lowercased() == "authorization" }?.1 ?? ""
            let code = field == "code" ? "Bad \(auth)" : "InvalidAuthenticationToken"
            let message = field == "message" ? "token \(auth) refused" : "refused"
            return .init(status: 401, body: #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#)
        })
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: client(server, secret: Self.secret)).sharedPrincipal() }
        #expect(!server.issuedTokens.isEmpty)
        for token in server.issuedTokens { #expect(error?.message.contains(token) == false, "\(error?.message ?? "")") }
    }

    /// A sign-in endpoint that echoes the request in `error` and `error_description`: the secret shows in
    /// neither, as it was sent (form-encoded) nor as it is.
    @Test func aSignInErrorThatEchoesTheSecretIsRedacted() async throws {
        let server = try await MockGraphServer.start(Self.tenant { _, path, _, body in
            guard Self.isSignIn(path) else { return nil }
            let form = String(decoding: body, as: UTF8.self)
            let plain = MockGraphServer.formValue(body, "client_secret") ?? ""
            return .init(status: 401, body: #"{"error":"invalid_client \#(plain)","error_description":"AADSTS7000215: bad body \#(form)","error_codes":[7000215]}"#)
        })
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: client(server, secret: Self.secret)).sharedPrincipal() }
        let message = error?.message ?? ""
        #expect(message.contains("invalid_client <redacted>"), "\(message)")
        #expect(!message.contains(Self.secret) && !message.contains("S3cr3t%2B"), "\(message)")
    }

    /// The signed client assertion lets anyone who sees it sign in for a few minutes: an endpoint that echoes it
    /// in its error does not get it printed.
    @Test func aSignInErrorThatEchoesTheClientAssertionIsRedacted() async throws {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let assertions = AssertionLog()
        let server = try await MockGraphServer.start(Self.tenant { _, path, _, body in
            guard Self.isSignIn(path), let assertion = MockGraphServer.formValue(body, "client_assertion") else { return nil }
            assertions.seen.withLock { $0.append(assertion) }
            return .init(status: 401, body: #"{"error":"invalid_client","error_description":"AADSTS700027: client_assertion=\#(assertion) and '\#(assertion)'"}"#)
        })
        defer { Task { await server.stop() } }
        let graph = GraphClient(credential: .certificate(tenant: MockGraphTenant.defaultTenantId, clientId: MockGraphTenant.defaultClientId,
                                                         certificateDER: Array("stand-in DER".utf8), privateKeyPEM: Secret(key.pemRepresentation)),
                                environment: Self.environment(server))
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: graph).sharedPrincipal() }
        let seen = assertions.seen.withLock { $0 }
        #expect(seen.count == 1)
        for assertion in seen { #expect(error?.message.contains(assertion) == false, "\(error?.message ?? "")") }
        #expect(error?.message.contains("client_assertion=<redacted>") == true, "\(error?.message ?? "")")
    }

    /// A redirect from the sign-in endpoint would carry the client secret to wherever it points: it is not followed.
    @Test func aRedirectIsNotFollowed() async throws {
        let elsewhere = try await MockGraphServer.start(.fullyRemediated(secret: Self.secret))
        defer { Task { await elsewhere.stop() } }
        let server = try await MockGraphServer.start(Self.tenant { _, path, _, _ in
            Self.isSignIn(path) ? .init(status: 307, body: "{}", headers: [("Location", elsewhere.baseURL + path)]) : nil
        })
        defer { Task { await server.stop() } }
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: client(server, secret: Self.secret)).sharedPrincipal() }
        #expect(error != nil)
        #expect(elsewhere.requests.isEmpty, "\(elsewhere.requests)")
    }

    /// Retry-After of any size (a day at most is waited for) is a throttle error, not a crash.
    @Test(arguments: ["1e300", "inf", "9999999999999999999", "nan"])
    func anAbsurdRetryAfterIsThrottling(_ value: String) async throws {
        let server = try await MockGraphServer.start(Self.tenant { _, path, _, _ in
            Self.isSignIn(path) ? nil : .init(status: 429, body: #"{"error":{"code":"TooManyRequests","message":"slow down"}}"#, headers: [("Retry-After", value)])
        })
        defer { Task { await server.stop() } }
        var limits = GraphClient.Limits()
        limits.maximumRetryAfter = .milliseconds(100)
        limits.defaultRetryAfter = .milliseconds(10)
        let graph = GraphClient(credential: .clientSecret(tenant: MockGraphTenant.defaultTenantId, clientId: MockGraphTenant.defaultClientId, secret: Secret(Self.secret)),
                                environment: Self.environment(server), limits: limits)
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: graph).sharedPrincipal() }
        #expect(error?.code == .throttled, "\(error?.message ?? "")")
    }

    /// A server that sends its head and then the body a byte at a time is cut off at the request timeout.
    @Test func aTrickledAnswerTimesOut() async throws {
        let server = try await MockGraphServer.start(Self.tenant { _, path, _, _ in
            Self.isSignIn(path) ? nil : .init(status: 200, body: String(repeating: " ", count: 200) + #"{"value":[]}"#, drip: .milliseconds(50))
        })
        defer { Task { await server.stop() } }
        var limits = GraphClient.Limits()
        limits.requestTimeout = .milliseconds(500)
        let graph = GraphClient(credential: .clientSecret(tenant: MockGraphTenant.defaultTenantId, clientId: MockGraphTenant.defaultClientId, secret: Secret(Self.secret)),
                                environment: Self.environment(server), limits: limits)
        let started = ContinuousClock.now
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: graph).sharedPrincipal() }
        #expect(error?.code == .transport)
        #expect(error?.message.contains("no complete answer within 0.5 s") == true, "\(error?.message ?? "")")
        #expect(ContinuousClock.now - started < .seconds(8))
    }

    /// A device-code answer with an absurd polling interval waits no longer than the code lives.
    @Test func anAbsurdDeviceCodeIntervalIsBounded() async throws {
        let server = try await MockGraphServer.start(Self.tenant { _, path, _, _ in
            path.hasSuffix("/devicecode")
                ? .init(status: 200, body: #"{"device_code":"x","user_code":"ABCD","message":"enter ABCD","interval":9223372036854775807,"expires_in":1}"#)
                : nil
        })
        defer { Task { await server.stop() } }
        let graph = GraphClient(credential: .deviceCode(tenant: MockGraphTenant.defaultTenantId, clientId: GraphCredential.defaultPublicClientId),
                                environment: Self.environment(server))
        let started = ContinuousClock.now
        let error = await #expect(throws: GraphError.self) { _ = try await TenantReader(client: graph).sharedPrincipal() }
        #expect(error?.code == .authentication)
        #expect(ContinuousClock.now - started < .seconds(8))
    }
}

final class AssertionLog: Sendable {
    let seen = Mutex<[String]>([])
}
