public import ExScopeCore
import Foundation

/// What the store keeps for one target of one scan: the raw observation (what the scanner saw,
/// plus where the address is) and the verdict (recomputable from the observation).
public struct ResultRow: Sendable {
    public var ip: String? { didSet { updateKeys() } }
    public var port: Int { didSet { updateKeys() } }
    public var hostname: String? { didSet { updateKeys() } }
    public var observedAt: String
    public var durationMs: Int
    public var status: String
    public var detected: Bool
    public var exchangeOnline: Bool
    public var confidence: HostProfile.Confidence
    public var build: String?
    public var precision: String
    public var anomalies: [String]
    /// The server's own name (NTLM DNS/NetBIOS name, certificate name), when seen.
    public var serverName: String?
    /// What `--dedupe server` counts: the server's identity, else its address.
    public var serverKey: String
    public var hybridLikely: Bool
    public var tenantId: String?
    /// ISO country code, or an address class (`loopback`, `private`, …); nil when unknown.
    public var country: String?
    public var asn: Int?
    public var asOrganization: String?
    /// The record as the scanner wrote it (`exscope.scan/1` JSON). Its verdict fields are those
    /// of the scan; the verdict table holds the current ones.
    public var raw: String
    public var verdict: VerdictRow

    /// The key that makes a result unique within a scan (re-importing replaces it).
    public private(set) var targetKey = ""
    /// A sort key that orders addresses numerically (IPv4 before IPv6, names last).
    public private(set) var ipSort = ""

    // Both keys are made when the row is (an import makes rows on its decoding threads, not its writer's).
    init(ip: String?, port: Int, hostname: String?, observedAt: String, durationMs: Int, status: String, detected: Bool,
         exchangeOnline: Bool, confidence: HostProfile.Confidence, build: String?, precision: String, anomalies: [String],
         serverName: String?, serverKey: String, hybridLikely: Bool, tenantId: String?, country: String?, asn: Int?,
         asOrganization: String?, raw: String, verdict: VerdictRow) {
        self.ip = ip
        self.port = port
        self.hostname = hostname
        self.observedAt = observedAt
        self.durationMs = durationMs
        self.status = status
        self.detected = detected
        self.exchangeOnline = exchangeOnline
        self.confidence = confidence
        self.build = build
        self.precision = precision
        self.anomalies = anomalies
        self.serverName = serverName
        self.serverKey = serverKey
        self.hybridLikely = hybridLikely
        self.tenantId = tenantId
        self.country = country
        self.asn = asn
        self.asOrganization = asOrganization
        self.raw = raw
        self.verdict = verdict
        updateKeys()
    }

    private mutating func updateKeys() {
        targetKey = Self.targetKey(ip: ip, port: port, hostname: hostname)
        ipSort = Self.sortKey(ip: ip, hostname: hostname)
    }

    /// The `target_key` column's value: one result per target and scan.
    public static func targetKey(ip: String?, port: Int, hostname: String?) -> String { "\(ip ?? "")|\(port)|\(hostname ?? "")" }

    /// The `ip_sort` column's value for an address, or for a host name when there is no address.
    static func sortKey(ip: String?, hostname: String?) -> String {
        guard let ip, let address = IPAddress(ip) else { return "z" + (hostname ?? "") }
        switch address {
        case .v4(let value): return sortKey(family: UInt8(ascii: "4"), value: UInt128(value), digits: 8)
        case .v6(let value): return sortKey(family: UInt8(ascii: "6"), value: value, digits: 32)
        }
    }

    /// `family` and then `value` in `digits` lowercase hex digits, zero-padded.
    private static func sortKey(family: UInt8, value: UInt128, digits: Int) -> String {
        String(unsafeUninitializedCapacity: 1 + digits) { text in
            text[0] = family
            for index in 0..<digits {
                text[1 + index] = Hex.digits[Int(truncatingIfNeeded: value >> (4 * UInt128(digits - 1 - index)) & 0xF)]
            }
            return 1 + digits
        }
    }
}

/// The verdict part: product, CU, update, support and finding statuses.
public struct VerdictRow: Sendable, Hashable {
    public var product: String?
    public var productId: String?
    public var cu: String?
    public var update: String?
    public var support: String?
    public var verdictNote: String?
    /// Finding id → status (`vulnerable`, `patched`, `indeterminate`, `not-affected`).
    public var findings: [String: String] { didSet { lists = FindingLists(findings) } }
    /// The stored form of `findings`, made when they are set (for an import: on its decoding threads).
    public private(set) var lists: FindingLists
    public var asOf: String?
    public var catalogDate: String?

    public init(product: String? = nil, productId: String? = nil, cu: String? = nil, update: String? = nil, support: String? = nil,
                verdictNote: String? = nil, findings: [String: String] = [:], asOf: String? = nil, catalogDate: String? = nil) {
        self.init(product: product, productId: productId, cu: cu, update: update, support: support, verdictNote: verdictNote,
                  findings: findings, lists: FindingLists(findings), asOf: asOf, catalogDate: catalogDate)
    }

    /// A verdict whose finding lists were made already (`lists` must be `FindingLists(findings)`).
    init(product: String?, productId: String?, cu: String?, update: String?, support: String?, verdictNote: String?,
         findings: [String: String], lists: FindingLists, asOf: String?, catalogDate: String?) {
        self.product = product
        self.productId = productId
        self.cu = cu
        self.update = update
        self.support = support
        self.verdictNote = verdictNote
        self.findings = findings
        self.lists = lists
        self.asOf = asOf
        self.catalogDate = catalogDate
    }

    /// Recomputes the verdict of an observation with `catalog`, as the scanner does.
    public static func judge(build: String?, detected: Bool, exchangeOnline: Bool, catalog: Catalog, asOf: CalendarDate) -> VerdictRow {
        var row = VerdictRow(asOf: asOf.description, catalogDate: catalog.date.description)
        guard detected, !exchangeOnline, let build else {
            if exchangeOnline { row.verdictNote = "Exchange Online is not an on-premises server; no build verdict." }
            return row
        }
        do {
            let parsed = try VersionInput(parsing: build)
            let report = BuildReport(try catalog.verdict(for: parsed, input: build, asOf: asOf), asOf: asOf)
            row.product = report.product
            row.productId = report.productId
            row.cu = report.cu
            row.update = report.update
            row.support = report.support.rawValue
            row.findings = Dictionary(report.findings.map { ($0.id, $0.status.rawValue) }, uniquingKeysWith: { first, _ in first })
        } catch let error as VerdictError {
            row.verdictNote = error.reason
        } catch let error as VersionParseError {
            row.verdictNote = error.reason
        } catch {
            row.verdictNote = "\(error)"
        }
        return row
    }
}

/// A verdict's finding ids by status, in their stored form `' CVE-a CVE-b '` (empty for none), so
/// that `LIKE '% ID %'` finds an id on both databases.
public struct FindingLists: Sendable, Hashable {
    public private(set) var vulnerable = ""
    public private(set) var patched = ""
    public private(set) var indeterminate = ""
    public private(set) var notAffected = ""

    init(_ findings: [String: String]) {
        for id in findings.keys.sorted() {
            switch findings[id] {
            case "vulnerable": Self.add(id, to: &vulnerable)
            case "patched": Self.add(id, to: &patched)
            case "indeterminate": Self.add(id, to: &indeterminate)
            case "not-affected": Self.add(id, to: &notAffected)
            default: break
            }
        }
    }

    private static func add(_ id: String, to list: inout String) {
        list += list.isEmpty ? " \(id) " : "\(id) "
    }

    /// The statuses of the stored lists, in their column order (`vulnerable`, `patched`, `indeterminate`, `not_affected`).
    public static let statuses: [FindingStatus] = [.vulnerable, .patched, .indeterminate, .notAffected]

    /// The verdict column holding ids with this status.
    static func column(for status: FindingStatus) -> String {
        switch status {
        case .vulnerable: "vulnerable"
        case .patched: "patched"
        case .indeterminate: "indeterminate"
        case .notAffected: "not_affected"
        }
    }

    /// Every finding id of stored lists (in ``statuses`` order; nil reads as empty) with its status.
    public static func findings(_ lists: [String?]) -> [(id: Substring, status: FindingStatus)] {
        zip(lists, statuses).flatMap { list, status in (list ?? "").split(separator: " ").map { ($0, status) } }
    }
}

extension ResultRow {
    /// Builds the row for a record the scanner made in this process.
    /// - Parameters:
    ///   - raw: the record's JSON line.
    public init(_ record: ScanRecord, raw: String) {
        let identity = Self.identity(dns: record.identity?.dnsComputerName, netBIOS: record.identity?.netBIOSComputerName,
                                     domain: record.identity?.netBIOSDomainName, names: record.identity?.serverNames ?? [],
                                     certificate: record.tls?.subjectCommonName, ip: record.ip, hostname: record.hostname)
        let verdict = VerdictRow(product: record.product, productId: record.productId, cu: record.cu, update: record.update,
                                 support: record.support?.rawValue, verdictNote: record.verdictNote,
                                 findings: Dictionary(record.findings.map { ($0.id, $0.status.rawValue) }, uniquingKeysWith: { first, _ in first }),
                                 asOf: record.asOf.description, catalogDate: record.catalogDate.description)
        self.init(ip: record.ip, port: record.port, hostname: record.hostname, observedAt: record.timestamp, durationMs: record.durationMs,
                  status: record.status.rawValue, detected: record.exchange?.detected ?? false,
                  exchangeOnline: record.exchange?.exchangeOnline ?? false, confidence: record.exchange?.confidence ?? .low,
                  build: record.build, precision: record.precision.rawValue, anomalies: record.exchange?.anomalies.map(\.code.rawValue) ?? [],
                  serverName: identity.name, serverKey: identity.key, hybridLikely: record.hybrid.likely, tenantId: record.hybrid.tenantId,
                  country: nil, asn: nil, asOrganization: nil, raw: raw, verdict: verdict)
    }

    /// The server's display name and its dedupe key: NTLM names first (they name the machine),
    /// then the certificate's subject, then the address.
    static func identity(dns: String?, netBIOS: String?, domain: String?, names: [String], certificate: String?,
                         ip: String?, hostname: String?) -> (name: String?, key: String) {
        if let dns, !dns.isEmpty { return (dns, "name:" + dns.lowercased()) }
        if let netBIOS, !netBIOS.isEmpty {
            let full = domain.map { "\($0)\\\(netBIOS)" } ?? netBIOS
            return (full, "name:" + full.lowercased())
        }
        if let first = names.first, !first.isEmpty { return (first, "name:" + first.lowercased()) }
        if let certificate, !certificate.isEmpty { return (certificate, "cert:" + certificate.lowercased()) }
        return (nil, "ip:" + (ip ?? hostname ?? ""))
    }
}
