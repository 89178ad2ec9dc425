import Crypto
import _CryptoExtras
import ExScopeCore
import Foundation
import NIOHTTP1

extension MockGraphServer {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    static func graphError(_ status: Int, _ code: String, _ message: String) -> Reply {
        Reply(status: status, body: #"{"error":{"code":"\#(code)","message":"\#(message)","innerError":{"date":"2026-11-27T10:00:00","request-id":"00000000-0000-0000-0000-000000000001"}}}"#)
    }

    static func signInError(_ status: Int, _ error: String, _ code: Int, _ text: String) -> Reply {
        Reply(status: status, body: #"{"error":"\#(error)","error_description":"AADSTS\#(code): \#(text)\r\nTrace ID: 255d1aef-8c98-452f-ac51-23d051240864\r\nCorrelation ID: fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\r\nTimestamp: 2026-11-27 10:00:00Z","error_codes":[\#(code)],"timestamp":"2026-11-27 10:00:00Z"}"#)
    }

    /// The value of `field` in a form-encoded request body, decoded.
    public static func formValue(_ body: [UInt8], _ field: String) -> String? { form(body)[field] }

    static func form(_ body: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }

    static func route(_ state: inout State, method: String, uri: String, headers: NIOHTTP1.HTTPHeaders, body: [UInt8], base: String) -> Reply {
        if let hostile = state.tenant.behaviour.hostile, let answer = hostile(method, uri, headers.map { ($0.name, $0.value) }, body) {
            return Reply(status: answer.status, body: answer.body, headers: answer.headers, drip: answer.drip)
        }
        let decoded = uri.removingPercentEncoding ?? uri
        let parts = decoded.split(separator: "?", maxSplits: 1)
        let path = String(parts.first ?? "")
        let query = parts.count > 1 ? String(parts[1]) : ""
        let tenantId = state.tenant.tenantId
        if path.hasSuffix("/oauth2/v2.0/token") || path.hasSuffix("/oauth2/v2.0/devicecode") {
            guard path.hasPrefix("/\(tenantId)/") else {
                return signInError(400, "invalid_request", 90002, "Tenant '\(path.split(separator: "/").first ?? "")' not found.")
            }
            return path.hasSuffix("devicecode") ? deviceCode(&state, form(body)) : token(&state, form(body))
        }
        let version = path.hasPrefix("/beta/") ? "beta" : "v1.0"
        guard path.hasPrefix("/\(version)/") else { return graphError(404, "Request_ResourceNotFound", "no such endpoint") }
        // Authorization.
        let auth = headers.first(name: "Authorization") ?? ""
        guard auth.hasPrefix("Bearer "), state.validTokens.contains(String(auth.dropFirst(7))) else {
            return graphError(401, "InvalidAuthenticationToken", "Access token has expired or is not yet valid.")
        }
        state.graphRequests += 1
        if let throttle = state.tenant.behaviour.throttle, state.graphRequests <= throttle.count {
            return Reply(status: 429, body: #"{"error":{"code":"TooManyRequests","message":"Too many requests"}}"#, headers: [("Retry-After", "\(throttle.retryAfterSeconds)")])
        }
        let resource = String(path.dropFirst(version.count + 2))
        let needed = method == "PATCH" ? "Application.ReadWrite.All" : (resource.hasPrefix("auditLogs") ? "AuditLog.Read.All" : "Application.Read.All")
        guard state.tenant.behaviour.permissions.contains(needed) else {
            return graphError(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
        }
        if method == "GET" && state.tenant.behaviour.malformedJSON {
            return Reply(status: 200, body: #"{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#servicePrincipals","value":[{"id":"f724f499","keyCredentials":[{"#)
        }
        if method == "PATCH" { return patch(&state, resource: resource, body: body) }
        guard method == "GET" else { return graphError(405, "Request_BadRequest", "method not allowed") }
        if version == "beta" {
            // Only what ExScope reads from beta: service-principal sign-ins.
            guard resource == "auditLogs/signIns" else { return graphError(404, "Request_ResourceNotFound", "no such resource") }
            if state.tenant.behaviour.withoutPremiumLicence {
                return graphError(403, "Authentication_RequestFromNonPremiumTenantOrB2CTenant", "Neither tenant is B2C or tenant doesn't have premium license")
            }
            return page(signIns(state.tenant, query: query), context: "auditLogs/signIns", query: query, resource: resource,
                        pageSize: state.tenant.behaviour.pageSize, base: base, version: version)
        }
        return get(state, resource: resource, query: query, base: base)
    }

    /// The tenant's sign-ins that match the `appId eq` and `signInEventTypes/any(…)` parts of the filter, as Graph applies them.
    static func signIns(_ tenant: MockGraphTenant, query: String) -> [String] {
        let appId = filterValue(query, "appId")
        let eventType = query.range(of: "signInEventTypes/any(t: t eq '").flatMap { query[$0.upperBound...].split(separator: "'").first.map(String.init) }
        return tenant.signIns.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { raw in
            guard let object = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) as? [String: Any] else { return true }
            if let appId, object["appId"] as? String != appId { return false }
            if let eventType, !((object["signInEventTypes"] as? [String]) ?? []).contains(eventType) { return false }
            return true
        }
    }

    static func token(_ state: inout State, _ form: [String: String]) -> Reply {
        let tenant = state.tenant
        if form["grant_type"] == "urn:ietf:params:oauth:grant-type:device_code" {
            state.deviceCodePolls += 1
            if state.deviceCodePolls == 1 {
                return Reply(status: 400, body: #"{"error":"authorization_pending","error_description":"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.","error_codes":[70016]}"#)
            }
            return issue(&state)
        }
        guard form["grant_type"] == "client_credentials" else { return signInError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.") }
        guard form["client_id"] == tenant.clientId else {
            return signInError(400, "unauthorized_client", 700016, "Application with identifier '\(form["client_id"] ?? "")' was not found in the directory.")
        }
        if let secret = form["client_secret"] {
            guard secret == tenant.clientSecret else { return signInError(401, "invalid_client", 7000215, "Invalid client secret provided.") }
            return issue(&state)
        }
        guard let assertion = form["client_assertion"], let certificate = tenant.assertionCertificate,
              verify(assertion: assertion, thumbprint: certificate.thumbprint, publicKeyDER: certificate.publicKeyDER, clientId: tenant.clientId)
        else { return signInError(401, "invalid_client", 700027, "Client assertion failed signature validation.") }
        return issue(&state)
    }

    static func issue(_ state: inout State) -> Reply {
        state.issued += 1
        let token = "eyJ0eXAiOiJKV1QifQ.mock\(state.issued)\(UUID().uuidString.prefix(8)).sig"
        if !(state.tenant.behaviour.expireFirstToken && state.issued == 1) { state.validTokens.insert(token) }
        return Reply(status: 200, body: #"{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"\#(token)"}"#)
    }

    static func deviceCode(_ state: inout State, _ form: [String: String]) -> Reply {
        Reply(status: 200, body: #"{"device_code":"mock-device-code","user_code":"ABCD-EFGH","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":1,"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate."}"#)
    }

    static func verify(assertion: String, thumbprint: String, publicKeyDER: [UInt8], clientId: String) -> Bool {
        let pieces = assertion.split(separator: ".")
        guard pieces.count == 3, let header = base64URLDecode(String(pieces[0])), let claims = base64URLDecode(String(pieces[1])),
              let signature = base64URLDecode(String(pieces[2])),
              let headerObject = try? JSONSerialization.jsonObject(with: Data(header)) as? [String: Any],
              let claimObject = try? JSONSerialization.jsonObject(with: Data(claims)) as? [String: Any],
              headerObject["alg"] as? String == "RS256", let x5t = headerObject["x5t"] as? String,
              let thumbBytes = base64URLDecode(x5t),
              claimObject["iss"] as? String == clientId, claimObject["sub"] as? String == clientId,
              let key = try? _RSA.Signing.PublicKey(derRepresentation: publicKeyDER)
        else { return false }
        let hex = thumbBytes.map { String(format: "%02X", $0) }.joined()
        guard hex == thumbprint else { return false }
        let input = Array("\(pieces[0]).\(pieces[1])".utf8)
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5)
    }

    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        return Data(base64Encoded: base).map(Array.init)
    }

    // MARK: Graph

    static func filterValue(_ query: String, _ field: String) -> String? {
        guard let range = query.range(of: "\(field) eq '") else { return nil }
        let rest = query[range.upperBound...]
        return rest.split(separator: "'", maxSplits: 1).first.map(String.init)
    }

    static func page(_ items: [String], context: String, query: String, resource: String, pageSize: Int?, base: String, version: String = "v1.0") -> Reply {
        var skip = 0
        if let range = query.range(of: "$skiptoken=") { skip = Int(query[range.upperBound...].prefix { $0.isNumber }) ?? 0 }
        let size = pageSize ?? max(items.count, 1)
        let slice = Array(items.dropFirst(skip).prefix(size))
        var body = #"{"@odata.context":"https://graph.microsoft.com/\#(version)/$metadata#\#(context)","value":[\#(slice.joined(separator: ","))]"#
        if skip + size < items.count {
            let baseQuery = query.components(separatedBy: "&$skiptoken=").first ?? query
            let next = "\(base)/\(version)/\(resource)?\(baseQuery)&$skiptoken=\(skip + size)".replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: "'", with: "%27")
            body += #","@odata.nextLink":"\#(next)""#
        }
        return Reply(status: 200, body: body + "}")
    }

    static func get(_ state: State, resource: String, query: String, base: String) -> Reply {
        let tenant = state.tenant
        let pageSize = tenant.behaviour.pageSize
        var principals = tenant.apps.map(\.servicePrincipal)
        if let shared = tenant.sharedPrincipal { principals.insert(shared, at: 0) }
        if resource.hasPrefix("servicePrincipals(appId=") {
            let appId = resource.split(separator: "'").dropFirst().first.map(String.init) ?? ""
            guard let principal = principals.first(where: { $0.appId == appId }) else {
                return graphError(404, "Request_ResourceNotFound", "Resource '\(appId)' does not exist or one of its queried reference-property objects are not present.")
            }
            return Reply(status: 200, body: json(principal))
        }
        if resource == "servicePrincipals" {
            let appId = filterValue(query, "appId")
            return page(principals.filter { $0.appId == appId }.map(json), context: "servicePrincipals", query: query, resource: resource, pageSize: pageSize, base: base)
        }
        if resource.hasPrefix("servicePrincipals/") {
            let pieces = resource.split(separator: "/").map(String.init)
            let id = pieces.count > 1 ? pieces[1] : ""
            if pieces.count == 3 && pieces[2] == "appRoleAssignedTo" {
                guard id == tenant.sharedPrincipal?.id else { return page([], context: "appRoleAssignedTo", query: query, resource: resource, pageSize: pageSize, base: base) }
                let grants = tenant.apps.compactMap { app -> String? in
                    guard let at = app.consentedAt else { return nil }
                    return json(AppRoleAssignment(id: "grant-\(app.servicePrincipal.id.prefix(8))", appRoleId: HybridIdentifiers.fullAccessAsAppRoleId,
                                                  principalId: app.servicePrincipal.id, principalDisplayName: app.servicePrincipal.displayName,
                                                  resourceId: id, createdDateTime: at))
                }
                return page(grants, context: "appRoleAssignedTo", query: query, resource: resource, pageSize: pageSize, base: base)
            }
            guard pieces.count == 2, let principal = principals.first(where: { $0.id == id }) else {
                return graphError(404, "Request_ResourceNotFound", "Resource '\(id)' does not exist.")
            }
            return Reply(status: 200, body: json(principal))
        }
        if resource == "applications" {
            let applications = tenant.apps.compactMap(\.application)
            var matches: [Application] = []
            if let name = filterValue(query, "displayName") {
                matches = applications.filter { $0.displayName == name }
            } else if let appId = filterValue(query, "appId") {
                matches = applications.filter { $0.appId == appId }
            } else if query.contains("startswith(displayName,'") {
                let prefix = query.components(separatedBy: "startswith(displayName,'").last?.split(separator: "'").first.map(String.init) ?? ""
                matches = applications.filter { $0.displayName?.hasPrefix(prefix) ?? false }
            }
            return page(matches.map(json), context: "applications", query: query, resource: resource, pageSize: pageSize, base: base)
        }
        if resource == "auditLogs/directoryAudits" {
            return page(tenant.audits.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }, context: "auditLogs/directoryAudits", query: query, resource: resource, pageSize: pageSize, base: base)
        }
        return graphError(404, "Request_ResourceNotFound", "no such resource")
    }

    static func patch(_ state: inout State, resource: String, body: [UInt8]) -> Reply {
        guard resource.hasPrefix("servicePrincipals/"), let shared = state.tenant.sharedPrincipal, resource == "servicePrincipals/\(shared.id)" else {
            return graphError(404, "Request_ResourceNotFound", "Resource does not exist.")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any], object.keys.sorted() == ["keyCredentials"],
              let keys = object["keyCredentials"] as? [[String: Any]] else {
            return graphError(400, "Request_BadRequest", "Invalid request body.")
        }
        var updated: [KeyCredential] = []
        var known = shared.keyCredentials + [MockGraphTenant.hybridKey, MockGraphTenant.expiredKey, MockGraphTenant.foreignKey]
        for key in keys {
            // Microsoft's script: only key, type and usage may be sent for existing keys.
            guard Set(key.keys).isSubset(of: ["key", "type", "usage"]), let value = key["key"] as? String, !value.isEmpty else {
                return graphError(400, "Request_BadRequest", "Property keyCredentials has an invalid value.")
            }
            if let existing = known.first(where: { $0.key == value }) {
                updated.append(existing)
                known.removeAll { $0.key == value }
            } else {
                let bytes = Data(base64Encoded: value).map(Array.init) ?? Array(value.utf8)
                let thumb = Insecure.SHA1.hash(data: bytes).map { String(format: "%02X", $0) }.joined()
                updated.append(KeyCredential(keyId: UUID().uuidString.lowercased(), customKeyIdentifier: thumb, displayName: nil,
                                             startDateTime: nil, endDateTime: nil, key: value, type: key["type"] as? String, usage: key["usage"] as? String))
            }
        }
        state.tenant.sharedPrincipal?.keyCredentials = updated
        return Reply(status: 204, body: "")
    }
}
