import ExScopeCore
import Foundation
import Synchronization

/// Decodes JSON Lines of `exscope.scan/1` records into rows.
///
/// A scan's findings arrays repeat: every host of one build, judged on one date with one catalog,
/// carries the same kilobytes of findings. The decoder remembers the arrays it has parsed (up to
/// ``KnownFindings/capacity``) and takes a line's array from them when its bytes are identical, so
/// most lines parse only their own few hundred bytes. One decoder is shared by an import's threads.
public struct ScanLineDecoder: Sendable {
    private let known = KnownFindings()

    public init() {}

    /// Decodes one line.
    /// - Returns: the row (without location) and the record's `scan` field. The row's raw text is
    ///   the line with its `findings` emptied: findings are verdicts, kept in the verdict table.
    /// - Throws: ``StoreError`` with the reason (the caller adds file and line).
    public func decode(_ line: Substring) throws -> (row: ResultRow, scan: String?) {
        var text = String(line)
        return try text.withUTF8 { buffer in try decode(bytes: buffer) }
    }

    /// Decodes one line given as UTF-8 bytes (no copy of the line is made before parsing).
    public func decode(bytes: UnsafeBufferPointer<UInt8>) throws -> (row: ResultRow, scan: String?) {
        do {
            return try Self.decode(bytes, known: known)
        } catch let failure as JSONCursor.Failure {
            throw StoreError(failure.reason)
        }
    }

    private static func decode(_ buffer: UnsafeBufferPointer<UInt8>, known: KnownFindings) throws -> (row: ResultRow, scan: String?) {
        var cursor = JSONCursor(buffer)
        var schema: String?, scan: String?, ip: String?, port: Int?, hostname: String?, timestamp: String?, duration = 0
        var status: String?, build: String?, precision: String?, product: String?, productId: String?, cu: String?, update: String?
        var support: String?, verdictNote: String?, asOf: String?, catalogDate: String?
        var detected = false, online = false, confidence = HostProfile.Confidence.low, anomalies: [String] = []
        var findings: KnownFindings.Entry?, findingsRange: Range<Int>?
        var dns: String?, netBIOS: String?, domain: String?, names: [String] = [], certificate: String?
        var hybridLikely = false, tenant: String?
        func field<T>(_ key: JSONCursor.Key, _ body: () throws -> T) throws -> T {
            do { return try body() } catch let failure as JSONCursor.Failure {
                throw failure.reason == "not valid JSON" ? failure : JSONCursor.Failure(reason: "\(failure.reason) at \(key.text)")
            }
        }
        try cursor.object { cursor, key in
            switch key {
            case "schema": schema = try field(key) { try cursor.string() }
            case "scan": scan = try field(key) { try cursor.optionalString() }
            case "ip": ip = try field(key) { try cursor.optionalString() }
            case "port": port = try field(key) { try cursor.integer() }
            case "hostname": hostname = try field(key) { try cursor.optionalString() }
            case "timestamp": timestamp = try field(key) { try cursor.string() }
            case "durationMs": duration = try field(key) { try cursor.integer() }
            case "status": status = try field(key) { try cursor.string() }
            case "build": build = try field(key) { try cursor.optionalString() }
            case "precision": precision = try field(key) { try cursor.string() }
            case "product": product = try field(key) { try cursor.optionalString() }
            case "productId": productId = try field(key) { try cursor.optionalString() }
            case "cu": cu = try field(key) { try cursor.optionalString() }
            case "update": update = try field(key) { try cursor.optionalString() }
            case "support": support = try field(key) { try cursor.optionalString() }
            case "verdictNote": verdictNote = try field(key) { try cursor.optionalString() }
            case "asOf": asOf = try field(key) { try cursor.optionalString() }
            case "catalogDate": catalogDate = try field(key) { try cursor.optionalString() }
            case "findings":
                cursor.skipSpace()
                let start = cursor.index
                if let entry = known.match(UnsafeBufferPointer(rebasing: buffer[start...])) {
                    cursor.advance(by: entry.bytes.count)
                    findings = entry
                    findingsRange = start..<cursor.index
                    return
                }
                var found = [String: String](minimumCapacity: 16)
                try field(key) {
                    try cursor.array { cursor in
                        var id: String?, value: String?
                        try cursor.object { cursor, key in
                            switch key {
                            case "id": id = try cursor.string()
                            case "status": value = try cursor.string()
                            default: try cursor.skip()
                            }
                        }
                        guard let id, let value, FindingStatus(rawValue: value) != nil else {
                            throw JSONCursor.Failure(reason: "bad finding")
                        }
                        found[id] = value
                    }
                }
                findings = known.remember(UnsafeBufferPointer(rebasing: buffer[start..<cursor.index]), findings: found)
                findingsRange = start..<cursor.index
            case "exchange":
                if try cursor.consumeNull() { return }
                try field(key) {
                    try cursor.object { cursor, key in
                        switch key {
                        case "detected": detected = try cursor.bool()
                        case "exchangeOnline": online = try cursor.bool()
                        case "confidence":
                            guard let value = HostProfile.Confidence(rawValue: try cursor.string()) else {
                                throw JSONCursor.Failure(reason: "bad value")
                            }
                            confidence = value
                        case "anomalies":
                            try cursor.array { cursor in
                                try cursor.object { cursor, key in
                                    if case "code" = key { anomalies.append(try cursor.string()) } else { try cursor.skip() }
                                }
                            }
                        default: try cursor.skip()
                        }
                    }
                }
            case "identity":
                if try cursor.consumeNull() { return }
                try field(key) {
                    try cursor.object { cursor, key in
                        switch key {
                        case "dnsComputerName": dns = try cursor.optionalString()
                        case "netBIOSComputerName": netBIOS = try cursor.optionalString()
                        case "netBIOSDomainName": domain = try cursor.optionalString()
                        case "serverNames": try cursor.array { cursor in names.append(try cursor.string()) }
                        default: try cursor.skip()
                        }
                    }
                }
            case "tls":
                if try cursor.consumeNull() { return }
                try field(key) {
                    try cursor.object { cursor, key in
                        if case "subjectCommonName" = key { certificate = try cursor.optionalString() } else { try cursor.skip() }
                    }
                }
            case "hybrid":
                if try cursor.consumeNull() { return }
                try field(key) {
                    try cursor.object { cursor, key in
                        switch key {
                        case "likely": hybridLikely = try cursor.bool()
                        case "tenantId": tenant = try cursor.optionalString()
                        default: try cursor.skip()
                        }
                    }
                }
            default:
                try cursor.skip()
            }
        }
        try cursor.end()
        guard let schema else { throw JSONCursor.Failure(reason: "missing 'schema'") }
        guard schema == ScanRecord.schemaID else {
            throw JSONCursor.Failure(reason: "schema '\(schema.prefix(40))' is not \(ScanRecord.schemaID)")
        }
        guard let port else { throw JSONCursor.Failure(reason: "missing 'port'") }
        guard let timestamp else { throw JSONCursor.Failure(reason: "missing 'timestamp'") }
        guard let status else { throw JSONCursor.Failure(reason: "missing 'status'") }
        guard ScanStatus(rawValue: status) != nil else { throw JSONCursor.Failure(reason: "unknown status '\(status.prefix(40))'") }
        guard let precision else { throw JSONCursor.Failure(reason: "missing 'precision'") }
        guard Precision(rawValue: precision) != nil else { throw JSONCursor.Failure(reason: "unknown precision '\(precision.prefix(40))'") }
        guard let findings, let findingsRange else { throw JSONCursor.Failure(reason: "missing 'findings'") }
        guard (0...65_535).contains(port) else { throw JSONCursor.Failure(reason: "port \(port) out of range") }
        if let ip, IPAddress(ip) == nil { throw JSONCursor.Failure(reason: "ip '\(ip.prefix(60))' is not an address") }
        guard ip != nil || hostname != nil else { throw JSONCursor.Failure(reason: "neither ip nor hostname") }
        if let support, SupportStatus(rawValue: support) == nil { throw JSONCursor.Failure(reason: "unknown support '\(support.prefix(40))'") }

        let identity = ResultRow.identity(dns: dns, netBIOS: netBIOS, domain: domain, names: names, certificate: certificate,
                                          ip: ip, hostname: hostname)
        // The line with `"findings":[]`, copied once into the string.
        let before = UnsafeBufferPointer(rebasing: buffer[..<findingsRange.lowerBound])
        let after = UnsafeBufferPointer(rebasing: buffer[findingsRange.upperBound...])
        let raw = String(unsafeUninitializedCapacity: before.count + 2 + after.count) { text in
            _ = text.initialize(fromContentsOf: before)
            text[before.count] = UInt8(ascii: "[")
            text[before.count + 1] = UInt8(ascii: "]")
            _ = UnsafeMutableBufferPointer(rebasing: text[(before.count + 2)...]).initialize(fromContentsOf: after)
            return text.count
        }
        let verdict = VerdictRow(product: product, productId: productId, cu: cu, update: update, support: support, verdictNote: verdictNote,
                                 findings: findings.findings, lists: findings.lists, asOf: asOf, catalogDate: catalogDate)
        let row = ResultRow(ip: ip, port: port, hostname: hostname, observedAt: timestamp, durationMs: duration, status: status,
                            detected: detected, exchangeOnline: online, confidence: confidence, build: build, precision: precision,
                            anomalies: anomalies, serverName: identity.name, serverKey: identity.key, hybridLikely: hybridLikely,
                            tenantId: tenant, country: nil, asn: nil, asOrganization: nil,
                            raw: raw, verdict: verdict)
        return (row, scan)
    }
}

/// The findings arrays a decoder has parsed, by their exact bytes, with what was parsed from them.
final class KnownFindings: Sendable {
    struct Entry: Sendable {
        /// The array's text, `[` to `]`.
        let bytes: [UInt8]
        let findings: [String: String]
        let lists: FindingLists
    }

    /// How many distinct arrays are remembered; later ones are parsed every time.
    static let capacity = 64

    private let entries = Mutex<[Entry]>([])

    /// The remembered array that `text` starts with, if any. Its bytes are a whole JSON array, so
    /// the array in `text` ends where they do.
    func match(_ text: UnsafeBufferPointer<UInt8>) -> Entry? {
        let entries = entries.withLock { $0 }
        guard let base = text.baseAddress else { return nil }
        for entry in entries where entry.bytes.count <= text.count {
            let equal = entry.bytes.withUnsafeBytes { bytes in bytes.baseAddress.map { memcmp($0, base, bytes.count) == 0 } ?? false }
            if equal { return entry }
        }
        return nil
    }

    /// Remembers a parsed array (while there is room) and returns it as an entry.
    func remember(_ text: UnsafeBufferPointer<UInt8>, findings: [String: String]) -> Entry {
        let entry = Entry(bytes: Array(text), findings: findings, lists: FindingLists(findings))
        entries.withLock { entries in
            if entries.count < Self.capacity, !entries.contains(where: { $0.bytes == entry.bytes }) { entries.append(entry) }
        }
        return entry
    }
}
