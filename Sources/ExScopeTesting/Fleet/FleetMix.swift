import ExScopeCore

/// The kinds of host a seeded fleet draws from.
public enum HostKind: Sendable, Hashable {
    case exchange2010
    case exchange2013
    case exchange2016
    case exchange2019
    case exchangeSE
    /// 2016 or 2019 with headers stripped and ECP blocked: CU-level only.
    case cuOnly
    case exchangeOnline
    case honeypot
    case rewrittenHeader
    case reverseProxy
    case phishingClone
    case webServer
    case scriptInjection
    case hostile(HostileMode)
}

/// Weighted host kinds plus a few shares, from which ``FleetSimulator`` draws a
/// deterministic fleet.
public struct FleetMix: Sendable {
    /// One kind and its relative weight.
    public struct Entry: Sendable {
        public var kind: HostKind
        public var weight: Double

        /// Creates an entry.
        public init(_ kind: HostKind, _ weight: Double) {
            self.kind = kind
            self.weight = weight
        }
    }

    /// The kinds and weights (any positive scale).
    public var entries: [Entry]
    /// Share of on-premises 2016/2019/SE hosts with OAuth to Entra configured (a tenant GUID in the Bearer challenge).
    public var hybridShare: Double
    /// Share of full-disclosure hosts whose `/owa/` 302 also carries `X-OWA-Version`.
    public var versionHeaderOnRedirectShare: Double

    /// Creates a mix.
    public init(entries: [Entry], hybridShare: Double = 0.3, versionHeaderOnRedirectShare: Double = 0.0) {
        self.entries = entries
        self.hybridShare = hybridShare
        self.versionHeaderOnRedirectShare = versionHeaderOnRedirectShare
    }

    /// Roughly what an internet scan of port 443 among Exchange-looking hosts finds:
    /// mostly on-premises 2016/2019/SE at a spread of builds, some CU-only, a few
    /// Exchange Online, honeypots, clones and plain web servers, about 8 % hostile.
    public static let `default` = FleetMix(entries: [
        Entry(.exchange2016, 16), Entry(.exchange2019, 28), Entry(.exchangeSE, 12), Entry(.exchange2013, 4),
        Entry(.exchange2010, 2), Entry(.cuOnly, 8), Entry(.exchangeOnline, 3), Entry(.honeypot, 2),
        Entry(.rewrittenHeader, 1), Entry(.reverseProxy, 1.5), Entry(.phishingClone, 1), Entry(.webServer, 12),
        Entry(.scriptInjection, 0.5),
        Entry(.hostile(.refuse), 3), Entry(.hostile(.acceptThenHang), 0.5), Entry(.hostile(.hangAfterRequest), 0.5),
        Entry(.hostile(.garbage), 0.5), Entry(.hostile(.garbageAfterHandshake), 0.5),
        Entry(.hostile(.truncatedHeaders), 0.5), Entry(.hostile(.oversizedHeaders(bytes: 256 * 1024)), 0.5),
        Entry(.hostile(.oversizedBody(bytes: 16 * 1024 * 1024)), 0.5),
        Entry(.hostile(.slowDrip(intervalMilliseconds: 300)), 0.5), Entry(.hostile(.plainTextOnTLSPort), 0.5),
        Entry(.hostile(.tlsAbort), 0.5), Entry(.hostile(.resetMidResponse), 0.5),
    ])

    /// Only well-behaved on-premises Exchange (2016/2019/SE, some CU-only): every host answers.
    public static let exchangeOnly = FleetMix(entries: [
        Entry(.exchange2016, 30), Entry(.exchange2019, 45), Entry(.exchangeSE, 15), Entry(.cuOnly, 10),
    ])

    /// Every host answers HTTP (no hostile modes), every persona kind represented.
    public static let wellBehaved = FleetMix(entries: FleetMix.default.entries.filter {
        if case .hostile = $0.kind { return false }
        return true
    })

    /// One kind only.
    public static func only(_ kind: HostKind) -> FleetMix { FleetMix(entries: [Entry(kind, 1)]) }
}

/// Draws personas from a mix with a seeded generator; the same seed, mix and
/// catalog always give the same fleet, and a longer fleet starts with a shorter one.
struct FleetGenerator {
    private var generator: SeededGenerator
    private let mix: FleetMix
    private let catalog: Catalog
    private let totalWeight: Double
    private static let organisations = ["contoso", "fabrikam", "northwind", "adatum", "tailspin", "litware", "woodgrove",
                                        "proseware", "wingtip", "fourthcoffee", "alpineski", "margie", "lucerne",
                                        "humongous", "coho", "trey", "wideworld", "blueyonder", "graphicdesign", "vanarsdel"]

    init(seed: UInt64, mix: FleetMix, catalog: Catalog) {
        self.generator = SeededGenerator(seed: seed)
        self.mix = mix
        self.catalog = catalog
        self.totalWeight = mix.entries.reduce(0) { $0 + max(0, $1.weight) }
    }

    mutating func nextPersona(index: Int) -> Persona {
        persona(for: nextKind(), index: index)
    }

    private mutating func unit() -> Double { Double(generator.next() >> 11) / Double(1 << 53) }

    private mutating func nextKind() -> HostKind {
        var point = unit() * totalWeight
        for entry in mix.entries where entry.weight > 0 {
            if point < entry.weight { return entry.kind }
            point -= entry.weight
        }
        return mix.entries.last?.kind ?? .webServer
    }

    mutating func persona(for kind: HostKind, index: Int) -> Persona {
        switch kind {
        case .exchange2010: return .exchange(server(product: "exchange-2010", index: index))
        case .exchange2013: return .exchange(server(product: "exchange-2013", index: index))
        case .exchange2016: return .exchange(server(product: "exchange-2016", index: index))
        case .exchange2019: return .exchange(server(product: "exchange-2019", index: index))
        case .exchangeSE: return .exchange(server(product: "exchange-se", index: index))
        case .cuOnly:
            var server = server(product: unit() < 0.4 ? "exchange-2016" : "exchange-2019", index: index)
            server.disclosure = .cuOnly
            server.versionHeaderOnRedirect = false
            return .exchange(server)
        case .exchangeOnline:
            return .exchangeOnline(build: BuildNumber(15, 20, 8000 + Int(generator.next() % 1500), Int(generator.next() % 40)))
        case .honeypot:
            return .honeypot(unit() < 0.5 ? .exportToolBait : .headerDeception)
        case .rewrittenHeader:
            let real = build(in: "exchange-2019", lineName: "CU15") ?? BuildNumber(15, 2, 1748, 36)
            return .rewrittenHeader(real: real, claimed: "15.02.2562.037", identity: identity(product: "exchange-2019", index: index))
        case .reverseProxy:
            return .reverseProxy(server(product: unit() < 0.5 ? "exchange-2016" : "exchange-2019", index: index))
        case .phishingClone:
            return .phishingClone
        case .webServer:
            let styles = WebServerStyle.allCases
            return .webServer(styles[Int(generator.next() % UInt64(styles.count))])
        case .scriptInjection:
            return .scriptInjection(build: build(in: "exchange-2019", lineName: "CU14") ?? BuildNumber(15, 2, 1544, 14))
        case .hostile(let mode):
            return .hostile(mode)
        }
    }

    private mutating func server(product id: String, index: Int) -> ExchangeServer {
        let build = randomBuild(product: id)
        var tenant: String?
        if id != "exchange-2010" && id != "exchange-2013" && unit() < mix.hybridShare {
            tenant = generator.uuid()
        }
        return ExchangeServer(build: build, identity: identity(product: id, index: index), disclosure: .full,
                              versionHeaderOnRedirect: unit() < mix.versionHeaderOnRedirectShare, hybridTenant: tenant)
    }

    /// A build of `product`, favouring recent CUs: the newest line half the time, the one
    /// before a quarter, older lines (of the newest eight) the rest; then the CU's own
    /// build or any of its updates, uniformly.
    private mutating func randomBuild(product id: String) -> BuildNumber {
        guard let product = catalog.product(id: id), !product.lines.isEmpty else { return BuildNumber(15, 2, 1748, 24) }
        let lines = Array(product.lines.suffix(8))
        let roll = unit()
        let line: ReleaseLine
        if roll < 0.5 || lines.count == 1 {
            line = lines[lines.count - 1]
        } else if roll < 0.75 || lines.count == 2 {
            line = lines[lines.count - 2]
        } else {
            line = lines[Int(generator.next() % UInt64(lines.count - 2))]
        }
        let builds = [line.base] + line.updates.map(\.build)
        return builds[Int(generator.next() % UInt64(builds.count))]
    }

    private mutating func build(in productID: String, lineName: String) -> BuildNumber? {
        guard let line = catalog.product(id: productID)?.lines.first(where: { $0.name == lineName }) else { return nil }
        let builds = [line.base] + line.updates.map(\.build)
        return builds[Int(generator.next() % UInt64(builds.count))]
    }

    private mutating func identity(product id: String, index: Int) -> ServerIdentity {
        let organisation = Self.organisations[Int(generator.next() % UInt64(Self.organisations.count))] + String(index)
        let (prefix, windows): (String, WindowsVersion) = switch id {
        case "exchange-2010": ("EXCH", .server2008R2)
        case "exchange-2013": ("EX13-", .server2012R2)
        case "exchange-2016": ("EX16-", unit() < 0.5 ? .server2016 : .server2012R2)
        case "exchange-2019": ("EX19-", unit() < 0.6 ? .server2019 : .server2022)
        default: ("EXSE-", unit() < 0.6 ? .server2022 : .server2025)
        }
        let number = 1 + Int(generator.next() % 4)
        let name: String = unit() < 0.2
            ? "WIN-" + generator.hex(11).uppercased()
            : "\(prefix)\(number < 10 ? "0" : "")\(number)"
        return ServerIdentity(netBIOSComputerName: name, netBIOSDomainName: organisation.uppercased(),
                              dnsDomainName: "corp.\(organisation).local", publicHostName: "mail.\(organisation).example",
                              windows: windows)
    }

    /// The certificate a persona presents: a pool of shared ones, per-host ones only
    /// where the certificate is the point (Exchange Online, script payloads).
    static func certificate(for persona: Persona, index: Int, pool: Int, key: SimulatedKeyAlgorithm) -> CertificateSpec {
        let slot = Int(ExchangePages.stableHash("cert\(index)") % UInt64(max(1, pool)))
        switch persona {
        case .exchangeOnline:
            var spec = ExchangeOnlineNames.certificate
            spec.keyAlgorithm = key
            return spec
        case .scriptInjection:
            var spec = ScriptPayloads.certificate
            spec.keyAlgorithm = key
            return spec
        case .exchange, .rewrittenHeader, .reverseProxy:
            if slot % 2 == 0 {
                // Exchange's own self-signed certificate: CN = NetBIOS name, SAN = name + FQDN.
                let name = "WIN-" + ExchangePages.pseudoHex(seed: "win\(slot)", count: 11).uppercased()
                return CertificateSpec(commonName: name, subjectAlternativeNames: [name, "\(name).corp.local"], keyAlgorithm: key)
            }
            let domain = "mail\(slot).example"
            return CertificateSpec(commonName: "mail.\(domain)",
                                   subjectAlternativeNames: ["mail.\(domain)", "autodiscover.\(domain)", "owa.\(domain)"],
                                   issuerCommonName: slot % 4 == 1 ? "R11" : "Sectigo RSA Domain Validation Secure Server CA",
                                   issuerOrganization: slot % 4 == 1 ? "Let's Encrypt" : "Sectigo Limited", keyAlgorithm: key)
        case .honeypot, .phishingClone, .webServer, .hostile:
            return slot % 2 == 0
                ? CertificateSpec(commonName: "localhost", subjectAlternativeNames: ["localhost"], keyAlgorithm: key)
                : CertificateSpec(commonName: "www.example.net", subjectAlternativeNames: ["www.example.net", "example.net"],
                                  issuerCommonName: "R10", issuerOrganization: "Let's Encrypt", keyAlgorithm: key)
        }
    }
}
