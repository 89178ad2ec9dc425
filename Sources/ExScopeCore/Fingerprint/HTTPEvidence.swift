/// One HTTP header as the server sent it.
public struct HTTPHeaderField: Sendable, Hashable, Codable {
    /// The name as sent; compare it with ``HTTPHeaders`` lookups, which ignore ASCII case.
    public var name: String
    /// The value as sent (attacker-controlled).
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The headers of one response: ordered, repeated names kept, looked up without ASCII case.
///
/// Order and repeats matter: a 401 carries several `WWW-Authenticate` headers, and
/// `Set-Cookie` repeats.
public struct HTTPHeaders: Sendable, Hashable, Codable, RandomAccessCollection {
    /// The fields in the order received.
    public var fields: [HTTPHeaderField]

    /// Creates headers from `(name, value)` pairs in the order received.
    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { HTTPHeaderField(name: $0.0, value: $0.1) }
    }

    /// Creates headers from fields in the order received.
    public init(fields: [HTTPHeaderField] = []) {
        self.fields = fields
    }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> HTTPHeaderField { fields[position] }

    /// The value of the first field named `name` (ASCII case-insensitive).
    public func first(_ name: String) -> String? {
        fields.first { asciiCaseInsensitiveEqual($0.name, name) }?.value
    }

    /// Every value of the fields named `name`, in order.
    public func values(_ name: String) -> [String] {
        fields.compactMap { asciiCaseInsensitiveEqual($0.name, name) ? $0.value : nil }
    }

    /// Whether a field named `name` is present.
    public func contains(_ name: String) -> Bool {
        fields.contains { asciiCaseInsensitiveEqual($0.name, name) }
    }
}

/// One response the scanner collected for a host.
public struct HTTPEvidence: Sendable, Hashable, Codable {
    /// The request path, e.g. `/owa/` or `/ecp/Current/exporttool/…application`.
    public var path: String
    /// The response status code, e.g. 200, 302, 401.
    public var status: Int
    /// The response headers.
    public var headers: HTTPHeaders
    /// The response body, already capped by the scanner. Attacker-controlled.
    public var body: [UInt8]

    public init(path: String, status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.path = path
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The few facts from a host's TLS certificate that fingerprinting uses; the scanner
/// parses the certificate, this code only reads the fields.
public struct CertificateSummary: Sendable, Hashable, Codable {
    /// The subject common name, e.g. `WIN-12OUO7A66M7` or `mail.contoso.com`.
    public var subjectCommonName: String?
    /// DNS subject alternative names.
    public var subjectAlternativeNames: [String]
    /// The issuer, as a display string (common name or full DN).
    public var issuer: String?
    public var notBefore: CalendarDate?
    public var notAfter: CalendarDate?
    /// Whether issuer and subject are the same (Exchange's default certificate is).
    public var selfSigned: Bool

    public init(
        subjectCommonName: String? = nil, subjectAlternativeNames: [String] = [], issuer: String? = nil,
        notBefore: CalendarDate? = nil, notAfter: CalendarDate? = nil, selfSigned: Bool = false
    ) {
        self.subjectCommonName = subjectCommonName
        self.subjectAlternativeNames = subjectAlternativeNames
        self.issuer = issuer
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.selfSigned = selfSigned
    }
}

/// Everything the scanner collected for one host: the input of ``Fingerprinter``.
public struct HostEvidence: Sendable, Hashable, Codable {
    /// The responses, one per request, in request order.
    public var responses: [HTTPEvidence]
    /// The TLS certificate summary, when the host spoke TLS.
    public var certificate: CertificateSummary?
    /// Whether the address is on Microsoft's network (e.g. AS8075), when the scanner
    /// knows; `nil` when unknown. Used to judge Exchange Online tells.
    public var microsoftNetwork: Bool?

    public init(responses: [HTTPEvidence], certificate: CertificateSummary? = nil, microsoftNetwork: Bool? = nil) {
        self.responses = responses
        self.certificate = certificate
        self.microsoftNetwork = microsoftNetwork
    }
}

/// ASCII case-insensitive comparison without allocating.
/// Header names are ASCII: comparing bytes is far cheaper than Foundation's caseInsensitiveCompare.
package func asciiCaseInsensitiveEqual(_ a: String, _ b: String) -> Bool {
    let x = a.utf8, y = b.utf8
    guard x.count == y.count else { return false }
    return x.elementsEqual(y) { asciiLower($0) == asciiLower($1) }
}

@inline(__always)
func asciiLower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
}
