/// One authentication challenge from a `WWW-Authenticate` header (RFC 9110 §11.6.1).
///
/// A header may hold several challenges separated by commas (`Negotiate, NTLM`) and
/// a server may send several headers; ``parseAll(_:)`` reads them all.
public struct AuthChallenge: Sendable, Hashable, Codable {
    /// One `name=value` parameter (quoted strings unquoted).
    public struct Parameter: Sendable, Hashable, Codable {
        public let name: String
        public let value: String
    }

    /// The scheme as sent, e.g. `NTLM`, `Negotiate`, `Basic`, `Bearer`.
    public let scheme: String
    /// The token68 after the scheme, e.g. the base64 NTLM challenge.
    public let token: String?
    /// The auth parameters, in order.
    public let parameters: [Parameter]

    /// The longest header value accepted.
    public static let maximumLength = 16 * 1024
    /// At most this many challenges per header value.
    public static let maximumChallenges = 16
    /// At most this many parameters per challenge.
    public static let maximumParameters = 32

    /// The first parameter named `name` (ASCII case-insensitive).
    public func parameter(_ name: String) -> String? {
        parameters.first { asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Whether the scheme is `name`, ignoring case.
    public func isScheme(_ name: String) -> Bool { asciiCaseInsensitiveEqual(scheme, name) }

    /// Parses every challenge in one header value.
    /// - Throws: ``FingerprintError`` `.empty`, `.limitExceeded`, `.truncated` (unclosed quote),
    ///   `.unexpectedFormat` (a parameter before any scheme, bad syntax).
    public static func parse(_ value: some StringProtocol) throws(FingerprintError) -> [AuthChallenge] {
        let bytes = Array(value.utf8)
        guard bytes.count <= maximumLength else {
            throw .limitExceeded("WWW-Authenticate is \(bytes.count) bytes; at most \(maximumLength) accepted")
        }
        var reader = ChallengeReader(bytes: bytes[...])
        let challenges = try reader.readAll()
        guard !challenges.isEmpty else { throw .empty("WWW-Authenticate is empty") }
        return challenges
    }

    /// Parses every `WWW-Authenticate` header in `headers`; malformed values are returned separately.
    public static func parseAll(_ headers: HTTPHeaders) -> (challenges: [AuthChallenge], errors: [FingerprintError]) {
        var challenges: [AuthChallenge] = []
        var errors: [FingerprintError] = []
        for value in headers.values("WWW-Authenticate") {
            do {
                challenges += try parse(value)
            } catch {
                errors.append(error)
            }
        }
        return (challenges, errors)
    }
}

/// A cursor over one header value.
private struct ChallengeReader {
    var bytes: ArraySlice<UInt8>

    static func isTokenByte(_ b: UInt8) -> Bool {
        // RFC 9110 tchar.
        ByteText.isAlphaNumeric(b) || "!#$%&'*+-.^_`|~".utf8.contains(b)
    }

    static func isToken68Byte(_ b: UInt8) -> Bool {
        ByteText.isAlphaNumeric(b) || b == 0x2D || b == 0x2E || b == 0x5F || b == 0x7E || b == 0x2B || b == 0x2F
    }

    mutating func skipSpaces() {
        while let b = bytes.first, b == 0x20 || b == 0x09 { bytes = bytes.dropFirst() }
    }

    /// Skips spaces and any number of commas (empty list elements are allowed).
    mutating func skipSeparators() {
        while let b = bytes.first, b == 0x20 || b == 0x09 || b == 0x2C { bytes = bytes.dropFirst() }
    }

    mutating func token() -> ArraySlice<UInt8> {
        let start = bytes
        while let b = bytes.first, Self.isTokenByte(b) { bytes = bytes.dropFirst() }
        return start[..<bytes.startIndex]
    }

    mutating func readAll() throws(FingerprintError) -> [AuthChallenge] {
        var challenges: [AuthChallenge] = []
        skipSeparators()
        while !bytes.isEmpty {
            guard challenges.count < AuthChallenge.maximumChallenges else {
                throw .limitExceeded("more than \(AuthChallenge.maximumChallenges) challenges in one header")
            }
            let scheme = token()
            guard !scheme.isEmpty else {
                throw .unexpectedFormat("expected an auth scheme, found \(ByteText.printable(bytes.prefix(16)))")
            }
            if bytes.first == 0x3D { throw .unexpectedFormat("parameter \(ByteText.printable(scheme)) before any auth scheme") }
            skipSpaces()
            var token: String?
            var parameters: [AuthChallenge.Parameter] = []
            if let t68 = token68() {
                token = t68
            } else {
                try readParameters(into: &parameters)
            }
            challenges.append(AuthChallenge(scheme: ByteText.printable(scheme, limit: 64), token: token, parameters: parameters))
            skipSeparators()
        }
        return challenges
    }

    /// A token68 is a run of token68 bytes and trailing '=' that ends the element.
    mutating func token68() -> String? {
        var probe = bytes
        while let b = probe.first, Self.isToken68Byte(b) { probe = probe.dropFirst() }
        guard probe.startIndex > bytes.startIndex else { return nil }
        while probe.first == 0x3D { probe = probe.dropFirst() }
        let end = probe.startIndex
        while let b = probe.first, b == 0x20 || b == 0x09 { probe = probe.dropFirst() }
        guard probe.isEmpty || probe.first == 0x2C else { return nil }
        let text = String(decoding: bytes[..<end], as: UTF8.self)
        bytes = probe
        return text
    }

    /// Reads `name=value` pairs separated by commas until the next scheme or the end.
    mutating func readParameters(into parameters: inout [AuthChallenge.Parameter]) throws(FingerprintError) {
        while true {
            skipSpaces()
            guard !bytes.isEmpty else { return }
            // Look ahead: a token followed by '=' is a parameter; anything else starts the next challenge.
            var probe = self
            probe.skipSeparators()
            let name = probe.token()
            probe.skipSpaces()
            guard !name.isEmpty, probe.bytes.first == 0x3D else { return }
            guard parameters.count < AuthChallenge.maximumParameters else {
                throw .limitExceeded("more than \(AuthChallenge.maximumParameters) parameters in one challenge")
            }
            probe.bytes = probe.bytes.dropFirst()
            probe.skipSpaces()
            let value: String
            if probe.bytes.first == 0x22 {
                value = try probe.quotedString()
            } else {
                let raw = probe.token()
                value = String(decoding: raw, as: UTF8.self)
            }
            parameters.append(.init(name: ByteText.printable(name, limit: 64), value: value))
            self = probe
            skipSpaces()
            guard bytes.first == 0x2C || bytes.isEmpty else {
                throw .unexpectedFormat("expected ',' after parameter \(ByteText.printable(name)), found \(ByteText.printable(bytes.prefix(16)))")
            }
        }
    }

    mutating func quotedString() throws(FingerprintError) -> String {
        bytes = bytes.dropFirst() // the opening quote
        var value: [UInt8] = []
        while let b = bytes.popFirst() {
            switch b {
            case 0x22:
                return String(decoding: value, as: UTF8.self)
            case 0x5C:
                guard let escaped = bytes.popFirst() else { throw .truncated("quoted string ends after '\\'") }
                value.append(escaped)
            default:
                value.append(b)
            }
        }
        throw .truncated("quoted string is not closed")
    }
}

/// What the Exchange OAuth `Bearer` challenge says about the Microsoft 365 link.
///
/// On-premises Exchange with OAuth to Entra ID configured (hybrid, HMA) lists
/// `00000001-0000-0000-c000-000000000000@<tenant GUID>` in `trusted_issuers`;
/// Exchange Online lists `…@*`.
public struct BearerChallenge: Sendable, Hashable {
    /// The Office 365 Exchange Online first-party application id.
    public static let exchangeClientID = "00000002-0000-0ff1-ce00-000000000000"
    /// The Entra ID (ACS) principal that issues the tokens.
    public static let entraPrincipal = "00000001-0000-0000-c000-000000000000"

    /// The `client_id` parameter.
    public let clientID: String?
    /// Every `trusted_issuers` entry, in order.
    public let trustedIssuers: [String]
    /// Tenant GUIDs after `@` in the issuers (lowercased), in order.
    public let tenantIDs: [String]
    /// Whether an issuer realm is `*` (Exchange Online).
    public let wildcardRealm: Bool
    /// The `authorization_uri`, when present.
    public let authorizationURI: String?

    /// Whether the client id is Exchange's first-party app id.
    public var isExchange: Bool { clientID.map { asciiCaseInsensitiveEqual($0, Self.exchangeClientID) } ?? false }

    /// Reads a parsed `Bearer` challenge.
    /// - Throws: ``FingerprintError`` `.unexpectedFormat` when the challenge is not Bearer,
    ///   `.notFound` when it has neither `client_id` nor `trusted_issuers`, `.limitExceeded` for
    ///   more than 16 issuers.
    public init(_ challenge: AuthChallenge) throws(FingerprintError) {
        guard challenge.isScheme("Bearer") else { throw .unexpectedFormat("not a Bearer challenge: \(challenge.scheme)") }
        let clientID = challenge.parameter("client_id")
        let issuersText = challenge.parameter("trusted_issuers")
        guard clientID != nil || issuersText != nil else { throw .notFound("Bearer challenge has no client_id or trusted_issuers") }
        var issuers: [String] = []
        var tenants: [String] = []
        var wildcard = false
        for raw in (issuersText ?? "").split(separator: ",") {
            guard issuers.count < 16 else { throw .limitExceeded("more than 16 trusted issuers") }
            let issuer = raw.trimmingASCIISpaces()
            guard !issuer.isEmpty else { continue }
            issuers.append(ByteText.printable(String(issuer), limit: 200))
            guard let at = issuer.lastIndex(of: "@") else { continue }
            let realm = issuer[issuer.index(after: at)...]
            if realm == "*" {
                wildcard = true
            } else if let guid = GUIDText.normalized(realm), !tenants.contains(guid) {
                tenants.append(guid)
            }
        }
        self.clientID = clientID.map { ByteText.printable($0, limit: 64) }
        trustedIssuers = issuers
        tenantIDs = tenants
        wildcardRealm = wildcard
        authorizationURI = challenge.parameter("authorization_uri").map { ByteText.printable($0, limit: 200) }
    }
}

/// GUID text checks.
enum GUIDText {
    /// The lowercased GUID when `text` is exactly `8-4-4-4-12` hex digits.
    static func normalized(_ text: some StringProtocol) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return nil }
        for (index, byte) in bytes.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == 0x2D else { return nil }
            } else {
                let lower = asciiLower(byte)
                guard ByteText.isDigit(lower) || (lower >= 0x61 && lower <= 0x66) else { return nil }
            }
        }
        return String(decoding: bytes.map(asciiLower), as: UTF8.self)
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII spaces and tabs.
    func trimmingASCIISpaces() -> SubSequence {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return slice
    }
}
