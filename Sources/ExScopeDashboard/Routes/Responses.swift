import Foundation
import Hummingbird
import NIOCore
import Logging

/// A rendered answer body and its content type: what the routes produce and the response cache keeps.
struct Rendered: Sendable {
    var contentType: String
    var body: ByteBuffer

    static func html(_ text: String) -> Rendered {
        Rendered(contentType: "text/html; charset=utf-8", body: ByteBuffer(string: text))
    }

    static func json(_ value: some Encodable) throws -> Rendered {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Rendered(contentType: "application/json; charset=utf-8", body: ByteBuffer(bytes: try encoder.encode(value)))
    }

    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: contentType], body: ResponseBody(byteBuffer: body))
    }
}

enum Responses {
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Rendered.html(text).response(status: status)
    }
}

/// Turns errors into responses: data-source errors into 404/400, anything unexpected into a 500
/// that says nothing about the internals. Pages get an HTML error page, `/api/...` gets JSON.
struct ErrorPageMiddleware<Context: RequestContext>: RouterMiddleware {
    struct ErrorView {
        var title: String
        var report = false
        var signedIn = false
        var status: String
        var reason: String
        var message: String
    }

    let views: DashboardViews

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let httpError: HTTPError
            switch error {
            case let e as HTTPError: httpError = e
            case let e as DashboardError: httpError = HTTPError(e.isNotFound ? .notFound : .badRequest, message: e.description)
            default:
                context.logger.error("dashboard request failed", metadata: ["path": .string(request.uri.path), "error": .string("\(type(of: error))")])
                httpError = HTTPError(.internalServerError, message: "the request failed; see the server log")
            }
            if request.uri.path.hasPrefix("/api/") { throw httpError }
            let view = ErrorView(title: "\(httpError.status.code) \(httpError.status.reasonPhrase)", status: String(httpError.status.code),
                                 reason: httpError.status.reasonPhrase, message: httpError.body ?? httpError.status.reasonPhrase)
            var response = Responses.html(views.render(view, "error"), status: httpError.status)
            for field in httpError.headers { response.headers.append(field) }
            return response
        }
    }
}
