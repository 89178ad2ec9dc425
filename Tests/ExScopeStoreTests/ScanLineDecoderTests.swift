@testable import ExScopeStore
import Foundation
import Testing

/// A minimal `exscope.scan/1` line with the given findings array text.
private func line(ip: String, findings: String, tail: String = "") -> String {
    """
    {"schema":"exscope.scan/1","ip":"\(ip)","port":443,"timestamp":"2026-11-27T00:00:00Z","status":"success",\
    "precision":"exact","build":"15.2.1544.11","findings":\(findings)\(tail),"hybrid":{"likely":false}}
    """
}

private func finding(_ id: String, _ status: String) -> String {
    #"{"id":"\#(id)","reason":"a reason long enough to matter","status":"\#(status)"}"#
}

@Suite struct ScanLineDecoderTests {
    let decoder = ScanLineDecoder()

    @Test func aRepeatedFindingsArrayDecodesLikeTheFirstAndStillStrictly() throws {
        let findings = "[" + finding("CVE-2025-53786", "vulnerable") + "," + finding("CVE-2021-26855", "patched") + "]"
        let first = try decoder.decode(Substring(line(ip: "20.0.0.1", findings: findings)))
        let second = try decoder.decode(Substring(line(ip: "20.0.0.2", findings: findings)))
        #expect(first.row.verdict.findings == ["CVE-2025-53786": "vulnerable", "CVE-2021-26855": "patched"])
        #expect(second.row.verdict.findings == first.row.verdict.findings)
        #expect(second.row.verdict.lists == FindingLists(second.row.verdict.findings))
        #expect(second.row.raw == line(ip: "20.0.0.2", findings: "[]"))
        #expect(second.row.ip == "20.0.0.2")
        // Known bytes followed by what cannot follow them in an object are still refused.
        #expect(throws: StoreError.self) { try decoder.decode(Substring(line(ip: "20.0.0.3", findings: findings, tail: "]"))) }
        #expect(throws: StoreError.self) { try decoder.decode(Substring(line(ip: "20.0.0.3", findings: findings, tail: "x"))) }
    }

    @Test func arraysThatDifferFromAKnownOneAreReadForThemselves() throws {
        let known = "[" + finding("CVE-2025-53786", "vulnerable") + "]"
        _ = try decoder.decode(Substring(line(ip: "20.0.0.1", findings: known)))
        // The same start, one more finding.
        let longer = try decoder.decode(Substring(line(ip: "20.0.0.2", findings: "[" + finding("CVE-2025-53786", "vulnerable") + ","
                                                        + finding("CVE-2021-26855", "patched") + "]")))
        #expect(longer.row.verdict.findings == ["CVE-2025-53786": "vulnerable", "CVE-2021-26855": "patched"])
        // Another status.
        let other = try decoder.decode(Substring(line(ip: "20.0.0.3", findings: "[" + finding("CVE-2025-53786", "patched") + "]")))
        #expect(other.row.verdict.findings == ["CVE-2025-53786": "patched"])
        // A broken array that starts like a known one.
        #expect(throws: StoreError.self) {
            try decoder.decode(Substring(line(ip: "20.0.0.4", findings: "[" + finding("CVE-2025-53786", "vulnerable") + ",{\"id\":1}]")))
        }
    }

    /// Keys are matched by their bytes; a key written with escapes still means what it spells, and one
    /// that only starts like a known key, or is longer, is not it.
    @Test func keysMatchByTheirTextEscapedOrNot() throws {
        let escaped = #"{"sch\u0065ma":"exscope.scan/1","\u0069p":"20.0.0.9","port":443,"timestamp":"2026-11-27T00:00:00Z","status":"success","precision":"exact","findings":[],"exchange":{"an\u006fmalies":[{"c\u006fde":"header-contradicts-files"}]}}"#
        let decoded = try decoder.decode(Substring(escaped))
        #expect(decoded.row.ip == "20.0.0.9")
        #expect(decoded.row.anomalies == ["header-contradicts-files"])
        // "ipv4" and "i" are not "ip": the row has no address, and a line with neither address nor name is refused.
        for key in ["ipv4", "i", "IP"] {
            let other = line(ip: "20.0.0.1", findings: "[]").replacingOccurrences(of: "\"ip\":", with: "\"\(key)\":")
            #expect(throws: StoreError.self) { try decoder.decode(Substring(other)) }
        }
    }

    @Test func moreDistinctArraysThanItRemembersAllDecode() throws {
        for index in 0..<(KnownFindings.capacity * 2) {
            for _ in 0..<2 {
                let decoded = try decoder.decode(Substring(line(ip: "20.0.0.1", findings: "[" + finding("CVE-\(index)", "vulnerable") + "]")))
                #expect(decoded.row.verdict.findings == ["CVE-\(index)": "vulnerable"])
            }
        }
    }
}
