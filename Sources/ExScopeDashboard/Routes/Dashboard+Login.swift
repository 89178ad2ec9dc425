import Hummingbird
import NIOCore

extension Dashboard {
    struct LoginView {
        var title = "Sign in"
        var report = false
        var signedIn = false
        var failed: Bool
    }

    func addLogin(to router: Router<BasicRequestContext>) {
        router.get("/login") { _, _ in
            Responses.html(views.render(LoginView(failed: false), "login"))
        }
        router.post("/login") { request, _ in
            guard let token = configuration.token else { return Response(status: .seeOther, headers: [.location: "/"]) }
            var body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: 4096)
            } catch is NIOTooManyBytesError {
                throw HTTPError(.contentTooLarge, message: "the login form is larger than 4 KB")
            }
            let form = body.readString(length: body.readableBytes) ?? ""
            let submitted = Self.formValue("token", in: form) ?? ""
            guard token.matches(submitted.trimmingWhitespace()) else {
                return Responses.html(views.render(LoginView(failed: true), "login"), status: .unauthorized)
            }
            let session = token.openSession()
            var response = Response(status: .seeOther, headers: [.location: "/"])
            response.headers[.setCookie] = "\(AuthMiddleware<BasicRequestContext>.cookieName)=\(session); Path=/; HttpOnly; SameSite=Strict; Max-Age=43200"
            return response
        }
        router.post("/logout") { request, _ in
            if let id = request.cookies[AuthMiddleware<BasicRequestContext>.cookieName]?.value { configuration.token?.closeSession(id) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.headers[.setCookie] = "\(AuthMiddleware<BasicRequestContext>.cookieName)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
            return response
        }
    }

    /// The value of `name` in an `application/x-www-form-urlencoded` body.
    static func formValue(_ name: String, in form: String) -> String? {
        for pair in form.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacing("+", with: " ").removingPercentEncodingSafely()
        }
        return nil
    }
}

extension String {
    /// Percent-decoding that never fails: bad escapes stay as they are.
    func removingPercentEncodingSafely() -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(self.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2,
               let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
