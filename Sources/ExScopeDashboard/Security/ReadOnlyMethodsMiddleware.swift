import Hummingbird
import HTTPTypes

/// The dashboard only reads: every page and API answers `GET` and `HEAD`, and only signing in and out
/// take a `POST`. Any other method gets 405 with the methods allowed (`OPTIONS` gets them with 204),
/// as HTTP asks, instead of a 404 that says the page is not there.
struct ReadOnlyMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The methods `path` takes.
    static func methods(for path: String) -> [HTTPRequest.Method] {
        switch path {
        case "/login": [.get, .head, .post]
        case "/logout": [.post]
        default: [.get, .head]
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let methods = Self.methods(for: request.uri.path)
        if methods.contains(request.method) { return try await next(request, context) }
        let allow: HTTPFields = [.allow: methods.map(\.rawValue).joined(separator: ", ")]
        if request.method == .options { return Response(status: .noContent, headers: allow) }
        throw HTTPError(.methodNotAllowed, headers: allow, message: "\(request.method.rawValue) is not allowed here; this dashboard only reads")
    }
}
