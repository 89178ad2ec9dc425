/// Writes scan records as JSON Lines without Codable: the scanner writes one record per host,
/// and JSONEncoder's boxing of every value cost as much as fingerprinting the host.
///
/// The bytes are exactly those of `JSONEncoder` with `.sortedKeys` and `.withoutEscapingSlashes`
/// (keys in sorted order, absent optionals left out); the tests compare the two on real records.
struct JSONLineWriter {
    private(set) var bytes: [UInt8] = []
    /// Per open container, whether it already holds an element.
    private var filled: [Bool] = []
    private var afterKey = false

    init() { bytes.reserveCapacity(4096) }

    mutating func object(_ body: (inout JSONLineWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    mutating func array<S: Sequence>(_ items: S, _ element: (inout JSONLineWriter, S.Element) -> Void) {
        open(UInt8(ascii: "["))
        for item in items { element(&self, item) }
        close(UInt8(ascii: "]"))
    }

    mutating func key(_ name: String) {
        separate()
        quoted(name)
        bytes.append(UInt8(ascii: ":"))
        afterKey = true
    }

    mutating func string(_ text: String) {
        separate()
        quoted(text)
    }

    mutating func int(_ number: Int) {
        separate()
        bytes.append(contentsOf: String(number).utf8)
    }

    mutating func bool(_ value: Bool) {
        separate()
        bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes)
    }

    /// A value already encoded as JSON.
    mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    /// Convenience for object members; `nil` leaves the member out, as `encodeIfPresent` does.
    mutating func field(_ name: String, _ text: String?) {
        guard let text else { return }
        key(name)
        string(text)
    }

    mutating func field(_ name: String, _ strings: [String]) {
        key(name)
        array(strings) { $0.string($1) }
    }

    private static let trueBytes = Array("true".utf8), falseBytes = Array("false".utf8)

    private mutating func open(_ bracket: UInt8) {
        separate()
        bytes.append(bracket)
        filled.append(false)
    }

    private mutating func close(_ bracket: UInt8) {
        filled.removeLast()
        bytes.append(bracket)
    }

    /// A comma before every element but the first of its container; none after a key.
    private mutating func separate() {
        if afterKey {
            afterKey = false
            return
        }
        guard let last = filled.indices.last else { return }
        if filled[last] { bytes.append(UInt8(ascii: ",")) }
        filled[last] = true
    }

    private mutating func quoted(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x00..<0x20:
                bytes.append(contentsOf: Array("\\u00".utf8) + Hex.digits(of: byte))
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

extension ScanRecord {
    /// The record as one JSON line (without the newline), with `findings` already encoded.
    public func jsonLine(findings encodedFindings: [UInt8]) -> [UInt8] {
        var out = JSONLineWriter()
        out.object { out in
            out.field("asOf", asOf.description)
            out.field("build", build)
            out.field("catalogDate", catalogDate.description)
            out.field("cu", cu)
            out.key("durationMs"); out.int(durationMs)
            out.field("error", error)
            out.key("evidence"); out.array(evidence) { $0.evidenceItem($1) }
            if let exchange {
                out.key("exchange")
                out.object { out in
                    out.key("anomalies")
                    out.array(exchange.anomalies) { out, anomaly in
                        out.object { out in
                            out.field("code", anomaly.code.rawValue)
                            out.field("text", anomaly.text)
                        }
                    }
                    out.key("candidates")
                    out.array(exchange.candidates) { out, candidate in
                        out.object { out in
                            out.field("build", candidate.build)
                            out.field("precision", candidate.precision.rawValue)
                            out.field("sources", candidate.sources.map(\.rawValue))
                        }
                    }
                    out.field("confidence", exchange.confidence.rawValue)
                    out.key("detected"); out.bool(exchange.detected)
                    out.key("exchangeOnline"); out.bool(exchange.exchangeOnline)
                    out.field("signals", exchange.signals.map(\.rawValue))
                }
            }
            out.key("findings"); out.raw(encodedFindings)
            out.field("hostname", hostname)
            out.key("hybrid")
            out.object { out in
                out.key("likely"); out.bool(hybrid.likely)
                out.field("tenantId", hybrid.tenantId)
            }
            if let identity { out.key("identity"); out.identity(identity) }
            out.field("ip", ip)
            out.key("port"); out.int(port)
            out.field("precision", precision.rawValue)
            out.field("product", product)
            out.field("productId", productId)
            out.key("requests")
            out.array(requests) { out, request in
                out.object { out in
                    out.field("path", request.path)
                    out.key("status"); out.int(request.status)
                }
            }
            out.field("scan", scan)
            out.field("schema", schema)
            out.field("status", status.rawValue)
            out.field("support", support?.rawValue)
            out.field("supportReason", supportReason)
            out.field("timestamp", timestamp)
            if let tls { out.key("tls"); out.certificate(tls) }
            out.field("update", update)
            out.field("verdictNote", verdictNote)
        }
        return out.bytes
    }
}

extension JSONLineWriter {
    fileprivate mutating func evidenceItem(_ item: HostProfile.EvidenceItem) {
        object { out in
            out.field("build", item.build)
            out.field("path", item.path)
            out.field("precision", item.precision?.rawValue)
            out.field("source", item.source.rawValue)
            out.field("value", item.value)
        }
    }

    fileprivate mutating func identity(_ identity: HostProfile.Identity) {
        object { out in
            out.field("certificateNames", identity.certificateNames)
            out.field("dnsComputerName", identity.dnsComputerName)
            out.field("dnsDomainName", identity.dnsDomainName)
            out.field("dnsTreeName", identity.dnsTreeName)
            out.field("netBIOSComputerName", identity.netBIOSComputerName)
            out.field("netBIOSDomainName", identity.netBIOSDomainName)
            out.field("osName", identity.osName)
            out.field("osVersion", identity.osVersion)
            out.field("serverNames", identity.serverNames)
        }
    }

    fileprivate mutating func certificate(_ summary: CertificateSummary) {
        object { out in
            out.field("issuer", summary.issuer)
            out.field("notAfter", summary.notAfter?.description)
            out.field("notBefore", summary.notBefore?.description)
            out.key("selfSigned"); out.bool(summary.selfSigned)
            out.field("subjectAlternativeNames", summary.subjectAlternativeNames)
            out.field("subjectCommonName", summary.subjectCommonName)
        }
    }
}
