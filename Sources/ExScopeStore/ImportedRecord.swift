public import ExScopeCore
import Foundation

/// The fields of an `exscope.scan/1` line the store needs, decoded without the rest.
struct ImportedRecord: Decodable {
    struct Exchange: Decodable {
        struct Anomaly: Decodable { var code: String }
        var detected: Bool
        var confidence: HostProfile.Confidence
        var exchangeOnline: Bool
        var anomalies: [Anomaly]?
    }

    struct Identity: Decodable {
        var serverNames: [String]?
        var netBIOSComputerName: String?
        var netBIOSDomainName: String?
        var dnsComputerName: String?
    }

    struct TLS: Decodable { var subjectCommonName: String? }
    struct Hybrid: Decodable { var likely: Bool; var tenantId: String? }
    struct FindingStatus: Decodable { var id: String; var status: ExScopeCore.FindingStatus }

    var schema: String
    var scan: String?
    var ip: String?
    var port: Int
    var hostname: String?
    var timestamp: String
    var durationMs: Int?
    var status: ScanStatus
    var exchange: Exchange?
    var build: String?
    var precision: Precision
    var product: String?
    var productId: String?
    var cu: String?
    var update: String?
    var support: SupportStatus?
    var verdictNote: String?
    var findings: [FindingStatus]
    var identity: Identity?
    var hybrid: Hybrid?
    var tls: TLS?
    var asOf: CalendarDate?
    var catalogDate: CalendarDate?
}

/// Decodes JSON Lines of `exscope.scan/1` records into rows.
public struct ScanLineDecoder {
    private let decoder = JSONDecoder()

    public init() {}

    /// Decodes one line.
    /// - Returns: the row (without location) and the record's `scan` field.
    /// - Throws: ``StoreError`` with the reason (the caller adds file and line).
    public func decode(_ line: Substring) throws -> (row: ResultRow, scan: String?) {
        let record: ImportedRecord
        do {
            record = try decoder.decode(ImportedRecord.self, from: Data(line.utf8))
        } catch let error as DecodingError {
            throw StoreError(Self.describe(error))
        } catch {
            throw StoreError("not JSON")
        }
        guard record.schema == ScanRecord.schemaID else {
            throw StoreError("schema '\(record.schema.prefix(40))' is not \(ScanRecord.schemaID)")
        }
        guard (0...65_535).contains(record.port) else { throw StoreError("port \(record.port) out of range") }
        if let ip = record.ip, IPAddress(ip) == nil { throw StoreError("ip '\(ip.prefix(60))' is not an address") }
        guard record.ip != nil || record.hostname != nil else { throw StoreError("neither ip nor hostname") }
        let identity = ResultRow.identity(dns: record.identity?.dnsComputerName, netBIOS: record.identity?.netBIOSComputerName,
                                          domain: record.identity?.netBIOSDomainName, names: record.identity?.serverNames ?? [],
                                          certificate: record.tls?.subjectCommonName, ip: record.ip, hostname: record.hostname)
        let verdict = VerdictRow(product: record.product, productId: record.productId, cu: record.cu, update: record.update,
                                 support: record.support?.rawValue, verdictNote: record.verdictNote,
                                 findings: Dictionary(record.findings.map { ($0.id, $0.status.rawValue) }, uniquingKeysWith: { first, _ in first }),
                                 asOf: record.asOf?.description, catalogDate: record.catalogDate?.description)
        let row = ResultRow(ip: record.ip, port: record.port, hostname: record.hostname, observedAt: record.timestamp,
                            durationMs: record.durationMs ?? 0, status: record.status.rawValue,
                            detected: record.exchange?.detected ?? false, exchangeOnline: record.exchange?.exchangeOnline ?? false,
                            confidence: record.exchange?.confidence ?? .low, build: record.build, precision: record.precision.rawValue,
                            anomalies: record.exchange?.anomalies?.map(\.code) ?? [], serverName: identity.name, serverKey: identity.key,
                            hybridLikely: record.hybrid?.likely ?? false, tenantId: record.hybrid?.tenantId,
                            country: nil, asn: nil, asOrganization: nil, raw: String(line), verdict: verdict)
        return (row, record.scan)
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let text = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "" : " at \(text)"
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing '\(key.stringValue)'\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context))"
        case .valueNotFound(_, let context): return "null value\(path(context))"
        case .dataCorrupted(let context): return context.codingPath.isEmpty ? "not valid JSON" : "bad value\(path(context))"
        @unknown default: return "cannot decode"
        }
    }
}
