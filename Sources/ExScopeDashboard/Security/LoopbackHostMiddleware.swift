import Hummingbird
import HTTPTypes

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        var host = Substring(authority.lowercased())
        if host.hasPrefix("[") {
            guard let end = host.firstIndex(of: "]") else { return false }
            return host[host.index(after: host.startIndex)..<end] == "::1"
        }
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host == "localhost" { return true }
        var address = in_addr()
        return inet_pton(AF_INET, String(host), &address) == 1 && UInt32(bigEndian: address.s_addr) >> 24 == 127
    }
}
