import ExScopeCore
import Foundation

/// The host page's context: the record, and the reasoning from evidence to verdict.
struct HostView {
    struct Field {
        var name: String
        var value: String
    }

    struct Evidence {
        var source, path, value, build, precision: String
    }

    struct Candidate {
        var build, precision, sources: String
    }

    var title: String
    var report = false
    var signedIn: Bool
    var scan, scanQuery, address, port, timestamp, scanStatus: String
    var error: String?
    var hostname, country, asn, exchangeText, confidence, build, precision, product, cu, update, support: String
    var supportReason: String?
    var verdictNote: String?
    var reasons: [String]
    var findings: [Finding]
    var candidates: [Candidate]
    var evidence: [Evidence]
    var anomalies: [HostProfile.Anomaly]
    var identity: [Field]
    var certificate: [Field]
    var requests: [ScanRecord.Request]
    var json: String
    var apiHref: String

    init(_ detail: HostDetail, address: String, signedIn: Bool) {
        let r = detail.record
        title = "Host \(address):\(r.port)"
        self.signedIn = signedIn
        scan = detail.scan
        scanQuery = Format.query(detail.scan)
        self.address = address
        port = String(r.port)
        timestamp = r.timestamp
        scanStatus = r.status.rawValue
        error = r.error
        hostname = r.hostname ?? ""
        let location = detail.location
        country = location.map { [$0.countryName, $0.countryCode.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ") } ?? "none (private, loopback or unknown)"
        asn = location?.asn.map { "AS\($0)" + (location?.asName.map { " \($0)" } ?? "") } ?? ""
        let ex = r.exchange
        exchangeText = ex.map { $0.exchangeOnline ? "Exchange Online (not counted as on-premises)" : $0.detected ? "on-premises Exchange detected" : "not detected" } ?? "no answer to fingerprint"
        confidence = ex?.confidence.rawValue ?? ""
        build = r.build ?? "unknown"
        precision = r.precision.rawValue
        product = r.product ?? ""
        cu = r.cu ?? ""
        update = r.update ?? ""
        support = r.support?.rawValue ?? ""
        supportReason = r.supportReason
        verdictNote = r.verdictNote
        reasons = Self.reasons(r)
        findings = r.findings
        candidates = ex?.candidates.map { Candidate(build: $0.build, precision: $0.precision.rawValue, sources: $0.sources.map(\.rawValue).joined(separator: ", ")) } ?? []
        evidence = r.evidence.map { Evidence(source: $0.source.rawValue, path: $0.path, value: $0.value, build: $0.build ?? "", precision: $0.precision?.rawValue ?? "") }
        anomalies = ex?.anomalies ?? []
        var identity: [Field] = []
        if let id = r.identity {
            for name in id.serverNames { identity.append(Field(name: "Server name (headers)", value: name)) }
            let pairs: [(String, String?)] = [("NetBIOS computer", id.netBIOSComputerName), ("NetBIOS domain", id.netBIOSDomainName),
                                              ("DNS computer", id.dnsComputerName), ("DNS domain", id.dnsDomainName),
                                              ("DNS tree", id.dnsTreeName), ("Windows", [id.osName, id.osVersion].compactMap { $0 }.joined(separator: " "))]
            for (name, value) in pairs { if let value, !value.isEmpty { identity.append(Field(name: name, value: value)) } }
        }
        if r.hybrid.likely { identity.append(Field(name: "Hybrid (OAuth to Microsoft 365)", value: "likely; tenant \(r.hybrid.tenantId ?? "unknown")")) }
        self.identity = identity
        var certificate: [Field] = []
        if let tls = r.tls {
            certificate.append(Field(name: "Subject CN", value: tls.subjectCommonName ?? ""))
            for san in tls.subjectAlternativeNames { certificate.append(Field(name: "SAN", value: san)) }
            certificate.append(Field(name: "Issuer", value: tls.issuer ?? ""))
            certificate.append(Field(name: "Valid", value: "\(tls.notBefore?.description ?? "?") to \(tls.notAfter?.description ?? "?")"))
            certificate.append(Field(name: "Self-signed", value: tls.selfSigned ? "yes" : "no"))
        }
        self.certificate = certificate
        requests = r.requests
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        json = (try? encoder.encode(r)).flatMap { String(bytes: $0, encoding: .utf8) } ?? ""
        apiHref = "/api/host" + Format.queryString([("scan", detail.scan), ("address", address), ("port", String(r.port))])
    }

    /// The chain from evidence to verdict, one sentence per step.
    static func reasons(_ r: ScanRecord) -> [String] {
        var out: [String] = []
        guard r.status == .success else {
            out.append("The scan ended with \(r.status.rawValue)\(r.error.map { ": \($0)" } ?? ""), so nothing could be fingerprinted.")
            return out
        }
        guard let ex = r.exchange else {
            out.append("The host answered, but gave nothing the fingerprinter could use.")
            return out
        }
        let signals = ex.signals.map(\.rawValue).joined(separator: ", ")
        if ex.exchangeOnline {
            out.append("Exchange Online tells were seen: this is Microsoft 365, never counted as an on-premises server.")
        } else if ex.detected {
            out.append("Exchange was detected from \(ex.signals.count) independent signals (\(signals)); two are needed.")
        } else {
            out.append("Exchange was not detected: \(ex.signals.count) signal(s) (\(signals.isEmpty ? "none" : signals)); two independent signals are needed.")
        }
        if ex.candidates.count > 1 {
            out.append("The sources disagree on the build (\(ex.candidates.map(\.build).joined(separator: " vs "))); only the part they share is used.")
        }
        for candidate in ex.candidates {
            out.append("Build \(candidate.build) (\(candidate.precision.rawValue)) was shown by \(candidate.sources.map(\.rawValue).joined(separator: ", ")).")
        }
        if let build = r.build {
            out.append("The build used for the verdict is \(build) at \(r.precision.rawValue) precision\(r.product.map { ": \($0) \(r.cu ?? "") \(r.update ?? "")" } ?? "").")
        } else if ex.detected {
            out.append("No build could be agreed, so no finding can be judged.")
        }
        for anomaly in ex.anomalies { out.append("Anomaly \(anomaly.code.rawValue): \(anomaly.text)") }
        out.append("Confidence is \(ex.confidence.rawValue)\(ex.anomalies.isEmpty ? "" : " (anomalies lower it)").")
        if let note = r.verdictNote { out.append(note) }
        for finding in r.findings where finding.id == "CVE-2025-53786" {
            out.append("\(finding.id) is \(finding.status.rawValue): \(finding.reason)")
        }
        if let support = r.support { out.append("Support: \(support.rawValue)\(r.supportReason.map { " — \($0)" } ?? "").") }
        return out
    }
}
