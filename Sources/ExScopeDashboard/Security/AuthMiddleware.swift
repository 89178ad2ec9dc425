import Hummingbird

/// Lets a request through when no token is configured, when it carries
/// `Authorization: Bearer <token>`, or when its session cookie is a session opened by `/login`.
/// Otherwise pages redirect to `/login` and `/api/...` answers 401.
struct AuthMiddleware<Context: RequestContext>: RouterMiddleware {
    static var cookieName: String { "exscope_session" }
    let token: AccessToken?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else { return try await next(request, context) }
        let path = request.uri.path
        if path == "/login" || path == "/static/app.css" || Self.isAuthorised(request, token: token) {
            return try await next(request, context)
        }
        if path.hasPrefix("/api/") {
            throw HTTPError(.unauthorized, headers: [.wwwAuthenticate: "Bearer realm=\"exscope\""],
                            message: "send the token from the token file as 'Authorization: Bearer TOKEN'")
        }
        return Response(status: .seeOther, headers: [.location: "/login"])
    }

    static func isAuthorised(_ request: Request, token: AccessToken) -> Bool {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer", token.matches(parts[1]) { return true }
        }
        if let session = request.cookies[cookieName]?.value, token.isSession(session) { return true }
        return false
    }
}
