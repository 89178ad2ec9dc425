import ExScopeDashboard
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AuthTests {
    static let secret = "s3cret-token-0123456789abcdef"

    @Test func aShortTokenIsRefused() {
        #expect(AccessToken("short") == nil)
        #expect(AccessToken("  \(Self.secret)\n")?.matches(Self.secret) == true)
        #expect(AccessToken(Self.secret)?.matches(Self.secret + "x") == false)
        #expect("\(AccessToken(Self.secret)!)".contains(Self.secret) == false)
    }

    @Test func withATokenPagesRedirectToLoginAndTheAPIAnswers401() async throws {
        try await RouteTests.app(token: AccessToken(Self.secret)).test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .seeOther && response.headers[.location] == "/login")
            }
            try await client.execute(uri: "/api/overview", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            }
            try await client.execute(uri: "/api/overview", method: .get, headers: [.authorization: "Bearer wrong-token-0123456789"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/overview", method: .get, headers: [.authorization: "Bearer \(Self.secret)"]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/login", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("type=\"password\""))
            }
        }
    }

    @Test func theLoginFormSetsAStrictHttpOnlyCookieThatOpensThePages() async throws {
        try await RouteTests.app(token: AccessToken(Self.secret)).test(.router) { client in
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=wrong")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            let cookie = try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                  body: ByteBuffer(string: "token=\(Self.secret)")) { response in
                #expect(response.status == .seeOther)
                let header = try #require(response.headers[.setCookie])
                #expect(header.contains("HttpOnly") && header.contains("SameSite=Strict"))
                #expect(!header.contains(Self.secret))
                return String(header.split(separator: ";")[0])
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Sign out"))
            }
            try await client.execute(uri: "/hosts", method: .get, headers: [.cookie: "exscope_session=\(String(repeating: "a", count: 64))"]) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/logout", method: .post, headers: [.cookie: cookie]) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]) { response in
                #expect(response.status == .seeOther)
            }
        }
    }
}
