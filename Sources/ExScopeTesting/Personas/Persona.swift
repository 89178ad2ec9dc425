public import ExScopeCore

/// The names an on-premises Exchange server gives away: in `X-FEServer`, in the
/// NTLM challenge, in the Basic realm and in `Location` headers.
public struct ServerIdentity: Sendable, Hashable, Codable {
    /// The NetBIOS computer name, e.g. `EX19-01`; also `X-FEServer`.
    public var netBIOSComputerName: String
    /// The NetBIOS domain name, e.g. `CONTOSO`.
    public var netBIOSDomainName: String
    /// The AD DNS domain, e.g. `contoso.local`.
    public var dnsDomainName: String
    /// The public name users type, e.g. `mail.contoso.com`; the Basic realm.
    public var publicHostName: String
    /// The Windows build reported in the NTLM challenge's Version field.
    public var windows: WindowsVersion

    /// Creates an identity.
    public init(netBIOSComputerName: String, netBIOSDomainName: String, dnsDomainName: String,
                publicHostName: String, windows: WindowsVersion) {
        self.netBIOSComputerName = netBIOSComputerName
        self.netBIOSDomainName = netBIOSDomainName
        self.dnsDomainName = dnsDomainName
        self.publicHostName = publicHostName
        self.windows = windows
    }

    /// `EX19-01.contoso.local`.
    public var dnsComputerName: String { "\(netBIOSComputerName).\(dnsDomainName)" }

    /// A plain identity for hand-written personas: `EXCH01` in `CONTOSO` / `contoso.local`.
    public static let contoso = ServerIdentity(
        netBIOSComputerName: "EXCH01", netBIOSDomainName: "CONTOSO", dnsDomainName: "contoso.local",
        publicHostName: "mail.contoso.com", windows: .server2019)
}

/// A Windows version as the NTLM Version field carries it.
public struct WindowsVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    public var major: UInt8
    public var minor: UInt8
    public var build: UInt16

    /// Creates a version.
    public init(major: UInt8, minor: UInt8, build: UInt16) {
        self.major = major
        self.minor = minor
        self.build = build
    }

    /// `10.0.17763`.
    public var description: String { "\(major).\(minor).\(build)" }

    /// Windows Server 2008 R2 SP1.
    public static let server2008R2 = WindowsVersion(major: 6, minor: 1, build: 7601)
    /// Windows Server 2012 R2.
    public static let server2012R2 = WindowsVersion(major: 6, minor: 3, build: 9600)
    /// Windows Server 2016.
    public static let server2016 = WindowsVersion(major: 10, minor: 0, build: 14393)
    /// Windows Server 2019.
    public static let server2019 = WindowsVersion(major: 10, minor: 0, build: 17763)
    /// Windows Server 2022.
    public static let server2022 = WindowsVersion(major: 10, minor: 0, build: 20348)
    /// Windows Server 2025.
    public static let server2025 = WindowsVersion(major: 10, minor: 0, build: 26100)
}

/// An on-premises Exchange server (2010, 2013, 2016, 2019 or SE, told apart by the build).
public struct ExchangeServer: Sendable, Hashable {
    /// How much of the build the server gives away.
    public enum Disclosure: String, Sendable, Hashable, Codable {
        /// `X-OWA-Version` on the 401s and the export-tool manifest: the exact build.
        case full
        /// Headers stripped and ECP blocked: only the CU from `/owa/auth/15.x.y/`.
        case cuOnly = "cu-only"
    }

    /// The exact build installed.
    public var build: BuildNumber
    /// The names the server gives away.
    public var identity: ServerIdentity
    /// How much of the build it gives away.
    public var disclosure: Disclosure
    /// Whether the `/owa/` 302 also carries `X-OWA-Version` (many real servers do;
    /// the default is the stricter "only on the 401s").
    public var versionHeaderOnRedirect: Bool
    /// The Entra tenant id when OAuth to Exchange Online is configured (hybrid):
    /// the empty-Bearer 401 on ActiveSync then names it in `trusted_issuers`.
    public var hybridTenant: String?

    /// Creates a server.
    public init(build: BuildNumber, identity: ServerIdentity = .contoso, disclosure: Disclosure = .full,
                versionHeaderOnRedirect: Bool = false, hybridTenant: String? = nil) {
        self.build = build
        self.identity = identity
        self.disclosure = disclosure
        self.versionHeaderOnRedirect = versionHeaderOnRedirect
        self.hybridTenant = hybridTenant
    }

    /// `15.2.1748` for 2013 and later, the four-part folder for 2010.
    var owaPathVersion: String { build.major == 14 ? build.description : build.cuPrefix }
    /// Whether this is Exchange 2010 (different page, no CAFE headers, no ECP export tool).
    var is2010: Bool { build.major == 14 }
}

/// Deception set-ups that imitate Exchange.
public enum HoneypotStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// The export-tool bait: manifest version `15.0.0.0`, public key token
    /// `0000000000000000`, publisher `Example Corp.`, on top of Exchange-looking headers.
    case exportToolBait = "export-tool-bait"
    /// An nginx site with Exchange, Exchange Online and SharePoint headers pasted on
    /// every response (`X-OWA-Version: 15.20.7595.016`).
    case headerDeception = "header-deception"
}

/// Web servers that are not Exchange.
public enum WebServerStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// nginx's welcome page.
    case nginx
    /// Apache's default page.
    case apache
    /// A bare IIS 10 start page: IIS is not Exchange.
    case iis
}

/// What one simulated address does when a scanner talks to it.
public enum Persona: Sendable, Hashable {
    /// On-premises Exchange 2010/2013/2016/2019/SE.
    case exchange(ExchangeServer)
    /// An Exchange Online front end (`15.20` builds, `*.prod.outlook.com` back ends,
    /// `X-FEProxyInfo`, Bearer `trusted_issuers="…@*"`, a Microsoft certificate).
    case exchangeOnline(build: BuildNumber)
    /// A honeypot imitating Exchange.
    case honeypot(HoneypotStyle)
    /// A real Exchange behind a proxy that rewrites `X-OWA-Version` to a fake value
    /// (e.g. `15.02.2562.037`, SE) while the OWA paths still tell the real CU; ECP is blocked.
    case rewrittenHeader(real: BuildNumber, claimed: String, identity: ServerIdentity)
    /// A reverse proxy (Kemp ESP style) whose pre-auth page replaces the OWA logon
    /// page; it passes the Exchange headers of `/EWS/` and `/Autodiscover/` 401s.
    case reverseProxy(ExchangeServer)
    /// A phishing page that copied a single Exchange marker (`<!-- OwaPage = ASP.auth_logon_aspx -->`).
    case phishingClone
    /// A web server that is not Exchange.
    case webServer(WebServerStyle)
    /// An Exchange server whose headers, pages, NTLM names and certificate carry
    /// script/HTML payloads: attacker-controlled data for escaping tests.
    case scriptInjection(build: BuildNumber)
    /// A host that misbehaves at the TCP, TLS or HTTP level.
    case hostile(HostileMode)

    /// On-premises Exchange at `build` (the product follows from the build: 14.x is 2010,
    /// 15.0 2013, 15.1 2016, 15.2 2019, 15.2 with build ≥ 2562 SE), as ``ServerIdentity/contoso``.
    public static func onPrem(_ build: BuildNumber, disclosure: ExchangeServer.Disclosure = .full,
                              hybridTenant: String? = nil) -> Persona {
        .exchange(ExchangeServer(build: build, identity: .contoso, disclosure: disclosure, hybridTenant: hybridTenant))
    }

    /// A short stable name for the persona's kind, e.g. `exchange`, `hostile/slow-drip`.
    public var kind: String {
        switch self {
        case .exchange(let server):
            server.disclosure == .cuOnly ? "exchange-cu-only" : (server.is2010 ? "exchange-2010" : "exchange")
        case .exchangeOnline: "exchange-online"
        case .honeypot(let style): "honeypot/\(style.rawValue)"
        case .rewrittenHeader: "rewritten-header"
        case .reverseProxy: "reverse-proxy"
        case .phishingClone: "phishing-clone"
        case .webServer(let style): "web-server/\(style.rawValue)"
        case .scriptInjection: "script-injection"
        case .hostile(let mode): "hostile/\(mode.name)"
        }
    }
}

/// Ways a host misbehaves. Each names the scanner status it should produce in
/// ``GroundTruth/status``.
public enum HostileMode: Sendable, Hashable {
    /// Nothing listens on the address: the connection is refused (RST).
    case refuse
    /// Accepts the TCP connection and never sends a byte (not even a TLS ServerHello).
    case acceptThenHang
    /// Completes TLS, reads the request and never answers.
    case hangAfterRequest
    /// Sends random non-TLS, non-HTTP bytes as soon as the connection opens, then closes.
    case garbage
    /// Completes TLS, then answers the request with random bytes instead of HTTP.
    case garbageAfterHandshake
    /// Answers with part of a status line and headers, then closes.
    case truncatedHeaders
    /// Answers with a header block larger than `bytes` (never ending it).
    case oversizedHeaders(bytes: Int)
    /// Answers 200 with a body of `bytes`, streamed as fast as the client reads.
    case oversizedBody(bytes: Int)
    /// Answers 200 with no length, then body bytes for as long as the client reads.
    case endlessBody
    /// Answers a valid 302, one byte every `intervalMilliseconds`.
    case slowDrip(intervalMilliseconds: Int)
    /// A TLS port that answers the ClientHello with a plain-text HTTP 400.
    case plainTextOnTLSPort
    /// Reads the ClientHello and resets the connection.
    case tlsAbort
    /// Sends the head and part of the body of a response, then resets the connection.
    case resetMidResponse

    /// A short stable name, e.g. `slow-drip`.
    public var name: String {
        switch self {
        case .refuse: "refuse"
        case .acceptThenHang: "accept-then-hang"
        case .hangAfterRequest: "hang-after-request"
        case .garbage: "garbage"
        case .garbageAfterHandshake: "garbage-after-handshake"
        case .truncatedHeaders: "truncated-headers"
        case .oversizedHeaders: "oversized-headers"
        case .oversizedBody: "oversized-body"
        case .endlessBody: "endless-body"
        case .slowDrip: "slow-drip"
        case .plainTextOnTLSPort: "plain-text-on-tls-port"
        case .tlsAbort: "tls-abort"
        case .resetMidResponse: "reset-mid-response"
        }
    }

    /// One of each mode with default sizes: 256 KiB of headers, 64 MiB of body, 300 ms drip.
    public static let all: [HostileMode] = [
        .refuse, .acceptThenHang, .hangAfterRequest, .garbage, .garbageAfterHandshake, .truncatedHeaders,
        .oversizedHeaders(bytes: 256 * 1024), .oversizedBody(bytes: 64 * 1024 * 1024), .endlessBody,
        .slowDrip(intervalMilliseconds: 300), .plainTextOnTLSPort, .tlsAbort, .resetMidResponse,
    ]

    /// Whether the mode acts before TLS (so it is the same on TLS and plain ports).
    var actsBeforeTLS: Bool {
        switch self {
        case .refuse, .acceptThenHang, .garbage, .plainTextOnTLSPort, .tlsAbort: true
        default: false
        }
    }
}
