@testable import ExScopeCore
import Foundation
import Testing

/// The scanner's hand-written record writer must write exactly what JSONEncoder writes.
@Suite struct JSONLineWriterTests {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    @Test func stringsAreEscapedAsJSONEncoderDoes() throws {
        let every = String(decoding: (0..<128).map { UInt8($0) }, as: UTF8.self)
        let texts = [every, "é ü 中文 🙂 \u{2028}\u{2029}\u{FEFF}", #"a"b\c/d</script>"#, "", "\u{7F}\u{80}\u{9F}"]
        for text in texts {
            var writer = JSONLineWriter()
            writer.string(text)
            #expect(writer.bytes == Array(try Self.encoder().encode(text)), "\(text.debugDescription)")
        }
    }

    @Test func aRecordWithEveryFieldIsWrittenLikeJSONEncoder() throws {
        let certificate = CertificateSummary(subjectCommonName: "mail.\"x\".example", subjectAlternativeNames: ["a", "b\n"],
                                             issuer: "R11", notBefore: CalendarDate(year: 2024, month: 1, day: 15),
                                             notAfter: CalendarDate(year: 2029, month: 1, day: 15), selfSigned: false)
        var record = ScanRecord(address: IPAddress("127.0.0.9"), port: 443, hostname: "mail.example", timestamp: "2026-11-27T08:00:00Z",
                                durationMs: 12, status: .protocolError, error: "closed \"early\"\t", evidence: HostEvidence(responses: []),
                                profile: nil, asOf: CalendarDate(year: 2026, month: 11, day: 27)!, catalogDate: CalendarDate(year: 2026, month: 8, day: 20)!)
        record.tls = certificate
        record.scan = "weekly"
        record.build = "15.2.1748.24"
        record.cu = "CU14"
        record.update = "Aug25SU"
        record.verdictNote = "note"
        record.supportReason = "reason"
        record.support = .supported
        record.product = "Exchange Server 2019"
        record.productId = "exchange-2019"
        record.precision = .exact
        record.requests = [.init(path: "/owa/", status: 302)]
        record.hybrid = .init(likely: true, tenantId: "0f0e")
        record.identity = HostProfile.Identity(serverNames: ["EX1"], netBIOSComputerName: "EX1", netBIOSDomainName: "CORP",
                                               dnsComputerName: "ex1.corp.local", dnsDomainName: "corp.local", dnsTreeName: "corp.local",
                                               osVersion: "10.0.17763", osName: "Windows Server 2019", certificateNames: ["a"])
        record.exchange = .init(detected: true, confidence: .high, exchangeOnline: false,
                                anomalies: [.init(code: .pathCUMismatch, text: "x")], signals: [.exportTool],
                                candidates: [.init(build: "15.2.1748.24", precision: .exact, sources: [.exportTool])])
        let findings = Array(try Self.encoder().encode(record.findings))
        #expect(record.jsonLine(findings: findings) == Array(try Self.encoder().encode(record)))
        // Every stored property is set above: a field added to ScanRecord later fails here until this test
        // sets it too, so the writer cannot leave a new field out unnoticed.
        let written = try #require(try JSONSerialization.jsonObject(with: Data(record.jsonLine(findings: findings))) as? [String: Any])
        #expect(Set(written.keys) == Set(Mirror(reflecting: record).children.compactMap(\.label)))
        // And with the optionals absent.
        let bare = ScanRecord(address: nil, port: 8443, hostname: "h", timestamp: "t", durationMs: 0, status: .connectionRefused,
                              error: nil, evidence: HostEvidence(responses: []), profile: nil,
                              asOf: CalendarDate(year: 2026, month: 11, day: 27)!, catalogDate: CalendarDate(year: 2026, month: 8, day: 20)!)
        #expect(bare.jsonLine(findings: Array("[]".utf8)) == Array(try Self.encoder().encode(bare)))
    }
}
