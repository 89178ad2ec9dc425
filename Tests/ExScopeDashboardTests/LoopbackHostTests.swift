@testable import ExScopeDashboard
import Hummingbird
import HummingbirdTesting
import Testing

/// Without a token, only requests addressed to a loopback name are served (DNS rebinding), and every
/// answer, the API's errors included, carries the security headers.
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
}
