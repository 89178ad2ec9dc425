import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Gets and caches access tokens for one credential. Tokens live only in memory.
actor TokenProvider {
    private let credential: GraphCredential
    private let environment: GraphEnvironment
    private let http: HTTPClient
    private let logger: Logger
    /// The credential's secrets, and every token issued and client assertion made during this run,
    /// so error text can be scrubbed of them.
    private(set) var redactor: Redactor
    private let deviceCodePrompt: @Sendable (String) -> Void
    private var cached: (token: Secret, expires: Date)?

    init(credential: GraphCredential, environment: GraphEnvironment, http: HTTPClient, logger: Logger,
         deviceCodePrompt: @escaping @Sendable (String) -> Void) {
        self.credential = credential
        self.environment = environment
        self.http = http
        self.logger = logger
        self.redactor = Redactor(credential.secrets)
        self.deviceCodePrompt = deviceCodePrompt
    }

    /// Whether a new token can be fetched when Graph says the current one has expired.
    nonisolated var canRenew: Bool {
        if case .bearer = credential { return false }
        return true
    }

    /// Forgets the cached token (after a 401).
    func invalidate() { cached = nil }

    /// A valid token, fetching one when needed.
    func token() async throws -> Secret {
        if let cached, cached.expires > Date().addingTimeInterval(60) { return cached.token }
        let (token, lifetime): (Secret, Int)
        switch credential {
        case .bearer(let token):
            return token
        case .clientSecret(let tenant, let clientId, let secret):
            (token, lifetime) = try await requestToken(tenant: tenant, form: [
                ("client_id", clientId), ("scope", environment.scope), ("client_secret", secret.reveal()), ("grant_type", "client_credentials"),
            ])
        case .certificate(let tenant, let clientId, let der, let key):
            let url = tokenURL(tenant)
            let assertion = try ClientAssertion.make(clientId: clientId, tokenURL: url, certificateDER: der, privateKeyPEM: key,
                                                     now: Int64(Date().timeIntervalSince1970), jti: UUID().uuidString.lowercased())
            redactor.add(Secret(assertion))
            (token, lifetime) = try await requestToken(tenant: tenant, form: [
                ("client_id", clientId), ("scope", environment.scope),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", assertion), ("grant_type", "client_credentials"),
            ])
        case .deviceCode(let tenant, let clientId):
            (token, lifetime) = try await deviceCode(tenant: tenant, clientId: clientId)
        }
        redactor.add(token)
        cached = (token, Date().addingTimeInterval(TimeInterval(max(60, lifetime))))
        return token
    }

    private func tokenURL(_ tenant: String) -> String { "\(environment.loginEndpoint)/\(tenant)/oauth2/v2.0/token" }

    private struct TokenResponse: Decodable {
        var access_token: String?
        var expires_in: Int?
        var error: String?
        var error_description: String?
        var error_codes: [Int]?
    }

    private func post(_ url: String, form: [(String, String)]) async throws -> (status: Int, body: TokenResponse) {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: Self.formEncode(form)))
        let status: Int
        let bytes: ByteBuffer
        do {
            (status, _, bytes) = try await GraphClient.exchange(http, request, timeout: .seconds(30), maximumBytes: 1 << 20)
        } catch let error as GraphError {
            throw GraphError(error.code, "the sign-in endpoint \(environment.loginEndpoint): \(redactor.clean(error.message))")
        }
        logger.debug("sign-in request", metadata: ["url": "\(url)", "status": "\(status)"])
        guard let decoded = try? JSONDecoder().decode(TokenResponse.self, from: bytes) else {
            throw GraphError(.malformedResponse, "the sign-in endpoint answered \(status) with something that is not its JSON")
        }
        return (status, decoded)
    }

    private func requestToken(tenant: String, form: [(String, String)]) async throws -> (Secret, Int) {
        let (status, body) = try await post(tokenURL(tenant), form: form)
        if status == 200, let token = body.access_token, !token.isEmpty { return (Secret(token), body.expires_in ?? 3599) }
        throw signInError(body, status: status)
    }

    private func signInError(_ body: TokenResponse, status: Int) -> GraphError {
        let code = body.error_codes?.first
        let described = redactor.clean(body.error_description?.split(whereSeparator: \.isNewline).first.map(String.init) ?? "no description")
        let meaning = code.flatMap(GraphError.explain(aadsts:)).map { ": \($0)" } ?? ""
        return GraphError(.authentication, "sign-in failed (\(body.error.map(redactor.clean) ?? "HTTP \(status)")\(code.map { ", AADSTS\($0)" } ?? "")\(meaning)): \(described)", aadsts: code)
    }

    private struct DeviceCodeResponse: Decodable {
        var device_code: String?
        var message: String?
        var interval: Int?
        var expires_in: Int?
        var error: String?
        var error_description: String?
        var error_codes: [Int]?
    }

    private func deviceCode(tenant: String, clientId: String) async throws -> (Secret, Int) {
        var request = HTTPClientRequest(url: "\(environment.loginEndpoint)/\(tenant)/oauth2/v2.0/devicecode")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.body = .bytes(ByteBuffer(string: Self.formEncode([("client_id", clientId), ("scope", environment.scope)])))
        let start: DeviceCodeResponse
        do {
            let (_, _, bytes) = try await GraphClient.exchange(http, request, timeout: .seconds(30), maximumBytes: 1 << 20)
            start = try JSONDecoder().decode(DeviceCodeResponse.self, from: bytes)
        } catch let error as GraphError {
            throw GraphError(error.code, "device-code sign-in could not start: \(redactor.clean(error.message))")
        } catch {
            throw GraphError(.malformedResponse, "device-code sign-in could not start: the endpoint's answer is not its JSON")
        }
        guard let code = start.device_code else {
            throw signInError(TokenResponse(error: start.error, error_description: start.error_description, error_codes: start.error_codes), status: 400)
        }
        deviceCodePrompt(start.message.map(redactor.clean) ?? "Sign in at the device login page and enter the code shown by Entra.")
        // Entra asks for 5 s and 900 s; whatever else a server says is kept within 1–60 s and at most an hour.
        var interval = min(max(1, start.interval ?? 5), 60)
        let deadline = Date().addingTimeInterval(TimeInterval(min(max(0, start.expires_in ?? 900), 3600)))
        while Date() < deadline {
            try await Task.sleep(for: .seconds(min(Double(interval), max(0, deadline.timeIntervalSinceNow))))
            let (status, body) = try await post(tokenURL(tenant), form: [
                ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("client_id", clientId), ("device_code", code),
            ])
            if status == 200, let token = body.access_token { return (Secret(token), body.expires_in ?? 3599) }
            switch body.error {
            case "authorization_pending": continue
            case "slow_down": interval = min(interval + 5, 60)
            default: throw signInError(body, status: status)
            }
        }
        throw GraphError(.authentication, "the device code expired before anyone signed in (AADSTS70020)", aadsts: 70020)
    }

    static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { key, value in "\(key)=\(Redactor.formEncoded(value))" }.joined(separator: "&")
    }
}
