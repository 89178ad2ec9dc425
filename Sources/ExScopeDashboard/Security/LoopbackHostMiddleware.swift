import ExScopeCore
import Hummingbird
import HTTPTypes

/// Without a token the dashboard answers only requests addressed to a loopback name: `localhost`, an
/// address in 127.0.0.0/8, or `[::1]`, with any port. A web page on another site could otherwise point
/// its own host name at 127.0.0.1 (DNS rebinding) and read the dashboard from the user's browser.
/// With a token, the token is the protection and any host name is served.
struct LoopbackHostMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // A request without a Host (HTTP/1.0, in-process tests) was not sent by a browser following a name.
        if let host = request.head.authority, !Self.isLoopback(authority: host) {
            throw HTTPError(.forbidden, message: "this dashboard answers only to 127.0.0.1, localhost or [::1] (serve it with --token-file to reach it by another name)")
        }
        return try await next(request, context)
    }

    /// Whether `authority` (`host`, `host:port`, `[v6]:port`) names loopback.
    static func isLoopback(authority: String) -> Bool {
        // The port goes: after the bracket for IPv6, after the last colon otherwise.
        if authority.hasPrefix("[") {
            guard let end = authority.firstIndex(of: "]") else { return false }
            return IPAddress.isLoopbackHost(authority[...end])
        }
        return IPAddress.isLoopbackHost(authority.prefix { $0 != ":" })
    }
}
