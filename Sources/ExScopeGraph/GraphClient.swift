public import AsyncHTTPClient
import Foundation
public import Logging
public import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A small Microsoft Graph client (v1.0, and beta where only beta has the data): JSON GET with `@odata.nextLink` paging, PATCH, retries on
/// 429/503 honouring `Retry-After` (bounded), one token renewal on 401, and errors that name the
/// missing permission. It never logs or prints a token or secret.
public final class GraphClient: Sendable {
    /// Retry and size limits.
    public struct Limits: Sendable {
        /// Attempts per request, the first included.
        public var attempts = 4
        /// The longest `Retry-After` honoured; longer waits fail with `.throttled`.
        public var maximumRetryAfter: Duration = .seconds(60)
        /// The wait when a 429/503 has no `Retry-After`.
        public var defaultRetryAfter: Duration = .seconds(2)
        /// The largest response body read.
        public var maximumBodyBytes = 8 << 20
        /// The most pages followed for one collection.
        public var maximumPages = 500
        public var requestTimeout: TimeAmount = .seconds(60)

        public init() {}
    }

    public let environment: GraphEnvironment
    let tokens: TokenProvider
    let http: HTTPClient
    let logger: Logger
    let limits: Limits

    /// - Parameters:
    ///   - credential: how to sign in.
    ///   - environment: the cloud's endpoints (or overrides).
    ///   - http: the AsyncHTTPClient to use; by default ``noRedirects``.
    ///   - logger: request lines (method, path, status) at debug level; never headers or bodies.
    ///   - deviceCodePrompt: shows Entra's "go to … and enter code …" message for the device-code flow.
    public init(credential: GraphCredential, environment: GraphEnvironment, http: HTTPClient = GraphClient.noRedirects,
                logger: Logger = Logger(label: "exscope.graph", factory: { _ in SwiftLogNoOpLogHandler() }),
                limits: Limits = Limits(), deviceCodePrompt: @escaping @Sendable (String) -> Void = { _ in }) {
        self.environment = environment
        self.http = http
        self.logger = logger
        self.limits = limits
        self.tokens = TokenProvider(credential: credential, environment: environment, http: http, logger: logger,
                                    deviceCodePrompt: deviceCodePrompt)
    }

    /// The client Graph and sign-in requests go through by default. It follows no redirect: a
    /// token or client secret goes only to the URL the request names (a 3xx is an error).
    public static let noRedirects = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                                               configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    /// Sends `request` and reads its whole answer, all within `timeout`: a server that sends its
    /// headers and then trickles the body is cut off too.
    /// - Throws: ``GraphError`` (transport) for a timeout or a connection failure, (malformed response)
    ///   for an answer over `maximumBytes`. Its message does not name the request and is not yet scrubbed:
    ///   the caller's redactor cleans it (only then, not for every request).
    static func exchange(_ http: HTTPClient, _ request: HTTPClientRequest, timeout: TimeAmount,
                         maximumBytes: Int) async throws -> (status: Int, headers: HTTPHeaders, body: ByteBuffer) {
        let seconds = Double(timeout.nanoseconds) / 1e9
        do {
            return try await withThrowingTaskGroup(of: (status: Int, headers: HTTPHeaders, body: ByteBuffer)?.self) { group in
                group.addTask {
                    let response = try await http.execute(request, timeout: timeout)
                    return (Int(response.status.code), response.headers, try await response.body.collect(upTo: maximumBytes))
                }
                group.addTask {
                    try await Task.sleep(for: .nanoseconds(timeout.nanoseconds))
                    return nil
                }
                defer { group.cancelAll() }
                guard let answer = try await group.next() ?? nil else {
                    throw GraphError(.transport, "no complete answer within \(seconds.formatted()) s")
                }
                return answer
            }
        } catch let error as GraphError {
            throw error
        } catch is NIOTooManyBytesError {
            throw GraphError(.malformedResponse, "the answer is larger than \(maximumBytes >> 20) MB, more than ExScope reads")
        } catch {
            throw GraphError(.transport, String(describing: error))
        }
    }

    /// GETs one object.
    /// - Parameters:
    ///   - path: relative to `/v1.0/`, with its query (`servicePrincipals(appId='…')?$select=…`).
    ///   - permission: the permission this call needs, named in the error on 403.
    public func get<T: Decodable>(_ type: T.Type, _ path: String, permission: String) async throws -> T {
        let (_, body) = try await send(.GET, url: url(path), body: nil, permission: permission, expect: [200])
        return try decode(type, body, path: path)
    }

    /// GETs a whole collection, following `@odata.nextLink`.
    /// - Parameter version: `v1.0`, or `beta` for what only beta has (service-principal sign-ins).
    public func list<T: Decodable>(_ type: T.Type, _ path: String, permission: String, version: String = "v1.0") async throws -> [T] {
        var items: [T] = []
        var next: String? = url(path, version: version)
        var pages = 0
        while let current = next {
            pages += 1
            guard pages <= limits.maximumPages else { throw GraphError(.malformedResponse, "more than \(limits.maximumPages) pages for \(path)") }
            guard current.hasPrefix(environment.graphEndpoint + "/") else {
                throw GraphError(.malformedResponse, "@odata.nextLink points outside \(environment.graphEndpoint); refusing to send the token there")
            }
            let (_, body) = try await send(.GET, url: current, body: nil, permission: permission, expect: [200])
            let page = try decode(Page<T>.self, body, path: path)
            items += page.value
            next = page.nextLink
        }
        return items
    }

    /// PATCHes an object with a JSON body; Graph answers 204.
    public func patch(_ path: String, json: [UInt8], permission: String) async throws {
        _ = try await send(.PATCH, url: url(path), body: json, permission: permission, expect: [200, 204])
    }

    func url(_ path: String, version: String = "v1.0") -> String {
        let encoded = path.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "'", with: "%27")
        return "\(environment.graphEndpoint)/\(version)/\(encoded)"
    }

    struct Page<T: Decodable>: Decodable {
        var value: [T]
        var nextLink: String?
        enum CodingKeys: String, CodingKey { case value, nextLink = "@odata.nextLink" }
    }

    struct ErrorEnvelope: Decodable {
        struct Body: Decodable {
            var code: String?
            var message: String?
        }
        var error: Body?
    }

    func decode<T: Decodable>(_ type: T.Type, _ body: ByteBuffer, path: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw GraphError(.malformedResponse, "Graph's answer to \(Self.shortPath(path)) is not the JSON it documents (\(Self.describe(error)))")
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
        default: "malformed JSON"
        }
    }

    static func shortPath(_ path: String) -> String { String(path.split(separator: "?").first ?? Substring(path)) }

    func send(_ method: HTTPMethod, url: String, body: [UInt8]?, permission: String, expect: Set<Int>) async throws -> (Int, ByteBuffer) {
        var attempt = 0
        var renewed = false
        let path = Self.shortPath(String(url.dropFirst(environment.graphEndpoint.count)))
        while true {
            attempt += 1
            let token = try await tokens.token()
            var request = HTTPClientRequest(url: url)
            request.method = method
            request.headers.add(name: "Authorization", value: "Bearer \(token.reveal())")
            request.headers.add(name: "Accept", value: "application/json")
            request.headers.add(name: "ConsistencyLevel", value: "eventual")
            if let body {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: body))
            }
            let status: Int
            let headers: HTTPHeaders
            let bytes: ByteBuffer
            do {
                (status, headers, bytes) = try await Self.exchange(http, request, timeout: limits.requestTimeout, maximumBytes: limits.maximumBodyBytes)
            } catch let error as GraphError {
                throw GraphError(error.code, "\(method) \(path): \(await scrub(error.message))")
            }
            logger.debug("graph request", metadata: ["method": "\(method)", "path": "\(path)", "status": "\(status)", "attempt": "\(attempt)"])
            if expect.contains(status) { return (status, bytes) }
            let envelope = try? JSONDecoder().decode(ErrorEnvelope.self, from: bytes)
            let graphCode = await scrub(envelope?.error?.code ?? "")
            let graphMessage = await scrub(envelope?.error?.message ?? "")
            switch status {
            case 429, 503:
                let wait = retryAfter(headers)
                guard attempt < limits.attempts else {
                    throw GraphError(.throttled, "\(method) \(path): Graph is still throttling (HTTP \(status)) after \(attempt) attempts; try again later")
                }
                guard wait <= limits.maximumRetryAfter else {
                    throw GraphError(.throttled, "\(method) \(path): Graph asks to wait \(wait) (HTTP \(status)), longer than ExScope waits; try again later")
                }
                logger.info("graph throttled; waiting", metadata: ["path": "\(path)", "status": "\(status)", "retryAfter": "\(wait)"])
                try await Task.sleep(for: wait)
            case 401:
                if tokens.canRenew && !renewed {
                    renewed = true
                    await tokens.invalidate()
                    attempt -= 1
                    continue
                }
                let expired = graphMessage.lowercased().contains("expired")
                throw GraphError(.unauthorized, expired
                    ? "the access token has expired (\(graphCode)); get a new token, or sign in with --client-id and a secret or certificate so ExScope can renew it"
                    : "Graph refused the access token for \(method) \(path) (\(graphCode.isEmpty ? "HTTP 401" : graphCode)): \(graphMessage)")
            case 403 where graphCode == "Authentication_RequestFromNonPremiumTenantOrB2CTenant":
                throw GraphError(.licenceRequired, "Graph refused \(method) \(path) (\(graphCode)): the tenant has no Entra ID P1 or P2 licence, which this data needs")
            case 403:
                throw GraphError(.forbidden, "Graph denied \(method) \(path) (\(graphCode.isEmpty ? "HTTP 403" : graphCode)): the app needs the \(permission) permission (application permission, with admin consent; for device code, the signed-in admin also needs a role that allows it)",
                                 missingPermission: permission)
            case 404:
                throw GraphError(.notFound, "\(method) \(path): not found (\(graphCode)): \(graphMessage)")
            default:
                throw GraphError(.httpStatus, "\(method) \(path): HTTP \(status) \(graphCode) \(graphMessage)".trimmingCharacters(in: .whitespaces))
            }
        }
    }

    /// The wait a 429/503 asks for, in seconds; one over a day (however large, infinite included) counts as a day.
    func retryAfter(_ headers: HTTPHeaders) -> Duration {
        guard let text = headers.first(name: "Retry-After")?.trimmingCharacters(in: .whitespaces) else { return limits.defaultRetryAfter }
        guard let seconds = Double(text), seconds >= 0 else { return limits.defaultRetryAfter }
        return .milliseconds(Int64(min(seconds, 86_400) * 1000))
    }

    /// `text` cleaned of the credential's secrets and of every token and client assertion of this run.
    func scrub(_ text: String) async -> String { await tokens.redactor.clean(text) }
}
