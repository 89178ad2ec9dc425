@testable import ExScopeDashboard
import Hummingbird
import HummingbirdTesting
import Testing

/// Without a token, only requests addressed to a loopback name are served (DNS rebinding); every
/// answer, the API's errors included, carries the security headers; HEAD works; an oversized login is 413.
@Suite struct LoopbackHostTests {
    @Test(arguments: ["127.0.0.1", "127.0.0.1:8080", "127.45.0.9:1", "localhost", "LOCALHOST:8080", "[::1]", "[::1]:8080"])
    func loopbackNamesAreServed(_ authority: String) {
        #expect(LoopbackHostMiddleware<BasicRequestContext>.isLoopback(authority: authority))
    }

    @Test(arguments: ["attacker.example", "127.0.0.1.attacker.example:8080", "localhost.attacker.example", "127.attacker.example",
                      "10.0.0.1:8080", "[::2]:8080", "[::1", ""])
    func otherNamesAreRefused(_ authority: String) {
        #expect(!LoopbackHostMiddleware<BasicRequestContext>.isLoopback(authority: authority))
    }

    @Test func anAPIErrorCarriesTheSecurityHeaders() async throws {
        try await RouteTests.app().test(.router) { client in
            try await client.execute(uri: "/api/nothing-here", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: "/api/hosts?limit=0", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
        }
    }

    @Test func headIsAnsweredAsGetWithoutABody() async throws {
        try await RouteTests.app().test(.router) { client in
            for uri in ["/", "/api/scans", "/static/app.css"] {
                try await client.execute(uri: uri, method: .head) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.body.readableBytes == 0)
                    #expect(response.headers[.contentSecurityPolicy] != nil)
                }
            }
        }
    }

    @Test func anOversizedLoginFormIs413() async throws {
        try await RouteTests.app(token: AccessToken("0123456789abcdef-token")).test(.router) { client in
            try await client.execute(uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=" + String(repeating: "a", count: 8192))) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }
}
