/// The Exchange CAFE identity headers of one response: server names, no version.
///
/// `X-FEServer` names the front end that handled the request, `X-BEServer` and
/// `X-CalculatedBETarget` the mailbox back end, `X-DiagInfo` the server, and
/// `request-id` is a GUID on every Exchange 2013+ response. Exchange Online fills
/// the same headers with its own names (`*.prod.outlook.com`) and adds
/// `X-FEProxyInfo`, `X-FEEFZInfo`, `X-BeSku`, `X-CalculatedFETarget`.
/// Values that are not host-like (letters, digits, `.`, `-`, `_`; at most 255
/// bytes) are dropped and reported in ``rejected``.
public struct IdentityHeaders: Sendable, Hashable {
    public static let maximumNameLength = 255

    public let feServer: String?
    public let beServer: String?
    public let calculatedBETarget: String?
    public let calculatedFETarget: String?
    public let diagInfo: String?
    /// `X-FEProxyInfo` (Exchange Online front-end proxy).
    public let feProxyInfo: String?
    /// `X-FEEFZInfo` (Exchange Online front-end zone).
    public let feEFZInfo: String?
    /// `X-BeSku` (Exchange Online back-end hardware SKU).
    public let beSku: String?
    /// `request-id`, lowercased, when it is a GUID.
    public let requestID: String?
    /// Names of identity headers whose values were not host-like.
    public let rejected: [String]

    /// Whether any on-premises CAFE identity header is present.
    public var hasCAFEHeaders: Bool { feServer != nil || beServer != nil || calculatedBETarget != nil || diagInfo != nil }

    /// Server names in order: FE, BE, back-end target, diag info (distinct, as sent).
    public var serverNames: [String] {
        var names: [String] = []
        for name in [feServer, beServer, calculatedBETarget, diagInfo].compactMap({ $0 }) where !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// Reads the identity headers of one response; never throws (absent headers are `nil`).
    public init(headers: HTTPHeaders) {
        var rejected: [String] = []
        func host(_ name: String) -> String? {
            guard let value = headers.first(name) else { return nil }
            let trimmed = value.trimmingASCIISpaces()
            guard trimmed.utf8.count <= Self.maximumNameLength, ByteText.isHostLike(String(trimmed)) else {
                rejected.append(name)
                return nil
            }
            return String(trimmed)
        }
        feServer = host("X-FEServer")
        beServer = host("X-BEServer")
        calculatedBETarget = host("X-CalculatedBETarget")
        calculatedFETarget = host("X-CalculatedFETarget")
        diagInfo = host("X-DiagInfo")
        feProxyInfo = host("X-FEProxyInfo")
        feEFZInfo = host("X-FEEFZInfo")
        beSku = host("X-BeSku")
        if let raw = headers.first("request-id") {
            if let guid = GUIDText.normalized(raw.trimmingASCIISpaces()) {
                requestID = guid
            } else {
                requestID = nil
                rejected.append("request-id")
            }
        } else {
            requestID = nil
        }
        self.rejected = rejected
    }
}

/// Where a response points the client: Exchange's own redirects and pre-auth proxies.
public enum RedirectSign: String, Sendable, Hashable, Codable, CaseIterable {
    /// `Location: …/owa/auth/logon.aspx?…` (the `/owa/` redirect to the logon page).
    case owaLogon = "owa-logon"
    /// `Location: …/owa/auth/errorFE.aspx?httpCode=…` (the front end's error page: still Exchange).
    case errorFE = "error-fe"
    /// `Location: …/CookieAuth.dll?GetLogon…` (TMG/ISA forms auth).
    case tmg
    /// `Location: …/lm_auth_proxy?LMLogon…` (Kemp LoadMaster ESP).
    case kemp
    /// `Location: …/my.policy` or an `MRHSession` cookie (F5 BIG-IP APM).
    case f5
    /// `Location: …/adfs/ls/…` (AD FS sign-in).
    case adfs

    /// Reads the `Location` and `Set-Cookie` headers of one response.
    public static func signs(in headers: HTTPHeaders) -> Set<RedirectSign> {
        var signs: Set<RedirectSign> = []
        if let location = headers.first("Location"), location.utf8.count <= 4096 {
            if ByteText.contains(location, "/owa/auth/errorFE.aspx") { signs.insert(.errorFE) }
            if ByteText.contains(location, "/owa/auth/logon.aspx") { signs.insert(.owaLogon) }
            if ByteText.contains(location, "/CookieAuth.dll") { signs.insert(.tmg) }
            if ByteText.contains(location, "/lm_auth_proxy") { signs.insert(.kemp) }
            if ByteText.contains(location, "/my.policy") { signs.insert(.f5) }
            if ByteText.contains(location, "/adfs/ls") { signs.insert(.adfs) }
        }
        for cookie in headers.values("Set-Cookie") where ByteText.hasPrefix(cookie, "MRHSession=") || ByteText.hasPrefix(cookie, "LastMRH_Session=") {
            signs.insert(.f5)
        }
        return signs
    }
}

/// Cookies only Exchange sets.
enum ExchangeCookies {
    /// Names of Exchange cookies in `Set-Cookie` headers (`exchangecookie`, `OutlookSession`, `X-BackEndCookie`, `ClientId`+OWA).
    static func names(in headers: HTTPHeaders) -> [String] {
        var found: [String] = []
        for cookie in headers.values("Set-Cookie") {
            for name in ["exchangecookie", "OutlookSession", "X-BackEndCookie", "X-OWA-CANARY"]
            where ByteText.hasPrefix(cookie, name + "=") && !found.contains(name) {
                found.append(name)
            }
        }
        return found
    }
}

/// Headers that SharePoint (not Exchange) sends.
enum SharePointHeaders {
    static let names = ["MicrosoftSharePointTeamServices", "SPRequestGuid", "SPIisLatency", "SPRequestDuration", "X-SharePointHealthScore"]

    static func present(in headers: HTTPHeaders) -> [String] {
        names.filter { headers.contains($0) }
    }
}

/// Exchange Online name and certificate checks.
enum ExchangeOnlineNames {
    /// Domains whose hosts are Exchange Online back or front ends.
    static let backEndSuffixes = [".prod.outlook.com", ".internal.outlook.com", ".prod.exchangelabs.com"]
    /// Host names Microsoft's Exchange Online certificates carry.
    static let certificateNames = ["outlook.office365.com", "outlook.office.com", "outlook.live.com", "*.outlook.com",
                                   "*.office365.com", "*.outlook.office365.com", "autodiscover-s.outlook.com", "outlook.com"]

    /// Whether `name` is an Exchange Online host: a `*.prod.outlook.com`-style FQDN or a
    /// bare Exchange Online server name such as `PS2PR02CA0033` or `PUZPR06MB4716`.
    static func isExchangeOnlineHost(_ name: String) -> Bool {
        if backEndSuffixes.contains(where: { ByteText.hasSuffix(name, $0) }) { return true }
        let label = name.split(separator: ".", maxSplits: 1).first.map(String.init) ?? name
        return isExchangeOnlineServerName(label)
    }

    /// `<2-3 letters><optional digit>PR<2 digits><2 letters><3-5 digits>`, e.g. `VI1PR02CA0046`.
    static func isExchangeOnlineServerName(_ label: String) -> Bool {
        var bytes = Array(label.utf8.map(asciiLower))[...]
        func run(_ test: (UInt8) -> Bool, _ range: ClosedRange<Int>) -> Bool {
            var count = 0
            while let b = bytes.first, test(b), count < range.upperBound {
                bytes = bytes.dropFirst()
                count += 1
            }
            return range.contains(count)
        }
        let letter: (UInt8) -> Bool = { $0 >= 0x61 && $0 <= 0x7A }
        guard bytes.count >= 11, bytes.count <= 16 else { return false }
        // The site prefix is letters then an optional digit; "pr" follows.
        var prefix = 0
        while let b = bytes.first, letter(b), prefix < 3, !(b == 0x70 && bytes.dropFirst().first == 0x72 && prefix >= 2) {
            bytes = bytes.dropFirst()
            prefix += 1
        }
        guard prefix >= 2 else { return false }
        _ = run(ByteText.isDigit, 0...1)
        guard bytes.first == 0x70, bytes.dropFirst().first == 0x72 else { return false }
        bytes = bytes.dropFirst(2)
        return run(ByteText.isDigit, 2...2) && run(letter, 2...2) && run(ByteText.isDigit, 3...5) && bytes.isEmpty
    }

    /// Whether the certificate is one of Microsoft's Exchange Online certificates.
    static func isMicrosoftCertificate(_ certificate: CertificateSummary) -> Bool {
        let names = certificate.subjectAlternativeNames + [certificate.subjectCommonName].compactMap { $0 }
        let namesMatch = names.contains { name in certificateNames.contains { asciiCaseInsensitiveEqual($0, name) } }
        return namesMatch && !certificate.selfSigned
    }
}
