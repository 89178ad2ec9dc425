@testable import ExScopeCore
import Foundation
import Testing

/// A small valid catalog that each malformed case breaks in one place.
private let smallCatalog = """
{
  "schema": "exscope.catalog/1",
  "catalogDate": "2026-08-20",
  "products": [
    {
      "id": "exchange-2019", "name": "Exchange Server 2019", "version": "15.2", "builds": [0, 2561],
      "linesBy": "build", "lifecycle": "fixed", "endOfSupport": "2025-10-14",
      "lines": [
        {"name": "CU14", "build": "15.2.1544.4", "released": "2024-02-13", "updates": [
          {"name": "Apr25HU", "build": "15.2.1544.25", "released": "2025-04-18"}
        ]},
        {"name": "CU15", "build": "15.2.1748.10", "released": "2025-02-10"}
      ]
    }
  ],
  "vulnerabilities": [
    {"id": "CVE-2025-53786", "title": "Hybrid", "cvss": 8.0, "remediation": "Fix it.",
     "references": ["https://example.invalid/cve"],
     "affected": [{"product": "exchange-2019", "fixes": [{"line": "CU14", "fixedIn": "15.2.1544.25"}]}]}
  ]
}
"""

/// (what to replace, replacement, expected line, a fragment of the reason)
let malformedCatalogs: [(String, String, Int?, String)] = [
    ("\"schema\": \"exscope.catalog/1\"", "\"schema\": \"exscope.catalog/9\"", 2, "unsupported catalog schema"),
    ("\"catalogDate\": \"2026-08-20\"", "\"catalogDate\": \"August\"", 3, "must be a date"),
    ("\"build\": \"15.2.1544.4\"", "\"build\": \"15.2.1544\"", 9, "four-part build"),
    ("\"build\": \"15.2.1544.25\"", "\"build\": \"15.2.1543.25\"", 10, "not a later build of line CU14"),
    ("\"released\": \"2025-04-18\"", "\"released\": \"2025-02-30\"", 10, "must be a date"),
    ("{\"name\": \"CU15\", \"build\": \"15.2.1748.10\"", "{\"name\": \"CU15\", \"build\": \"15.2.1000.10\"", 12, "must come after CU14"),
    ("{\"name\": \"CU15\"", "{\"name\": \"CU14\"", 12, "duplicate line name"),
    ("\"builds\": [0, 2561]", "\"builds\": [2561, 0]", 6, "low <= high"),
    ("\"lifecycle\": \"fixed\"", "\"lifecycle\": \"forever\"", 7, "\"lifecycle\" must be"),
    ("\"endOfSupport\": \"2025-10-14\",", "", 5, "no \"endOfSupport\""),
    ("\"cvss\": 8.0", "\"cvss\": 80", 17, "from 0 to 10"),
    ("\"product\": \"exchange-2019\", \"fixes\"", "\"product\": \"exchange-2020\", \"fixes\"", 19, "unknown product 'exchange-2020'"),
    ("{\"line\": \"CU14\", \"fixedIn\"", "{\"line\": \"CU99\", \"fixedIn\"", 19, "has no line 'CU99'"),
    ("\"fixedIn\": \"15.2.1544.25\"", "\"fixedIn\": \"15.2.1748.25\"", 19, "is not a build of exchange-2019 CU14"),
    ("\"fixedIn\": \"15.2.1544.25\"", "\"configuration\": \"x\", \"fixedIn\": \"15.2.1544.25\"", 19, "exactly one of"),
    ("\"https://example.invalid/cve\"", "\"http://example.invalid/cve\"", 18, "https://"),
    ("\"title\": \"Hybrid\",", "", 17, "missing \"title\""),
    ("\"remediation\": \"Fix it.\"", "\"remediation\": \"Fix it.\",", 17, "expected a quoted key"),
    ("\"Hybrid\"", "\"Hybrid", 17, "invalid JSON"),
    ("\"vulnerabilities\": [", "\"vulnerabilities\": {", 17, "invalid JSON"),
    ("\"id\": \"exchange-2019\",", "\"id\": \"exchange-2019\", \"id\": \"x\",", 6, "duplicate key"),
]

@Suite struct CatalogDecodingTests {
    @Test func theSmallCatalogIsValid() throws {
        let catalog = try Catalog(decoding: Array(smallCatalog.utf8), source: "small.json")
        #expect(catalog.products.count == 1)
        let verdict = try catalog.verdict(for: "15.2.1544.25", asOf: day("2025-06-01"))
        #expect(verdict.update?.name == "Apr25HU")
        #expect(verdict.status("CVE-2025-53786") == .patched)
    }

    @Test(arguments: malformedCatalogs.indices)
    func malformedCatalogsNameTheLineAndTheReason(_ index: Int) {
        let (target, replacement, line, fragment) = malformedCatalogs[index]
        #expect(smallCatalog.contains(target), "case \(index) does not apply")
        var broken = smallCatalog
        if let range = broken.range(of: target) { broken.replaceSubrange(range, with: replacement) }
        do {
            _ = try Catalog(decoding: Array(broken.utf8), source: "small.json")
            Issue.record("case \(index) was accepted")
        } catch {
            #expect(error.source == "small.json")
            #expect(error.line == line, "case \(index): \(error)")
            #expect(error.reason.contains(fragment), "case \(index): \(error)")
            #expect(error.description.hasPrefix("small.json:"))
        }
    }

    @Test func truncationsOfTheCatalogNeverCrash() {
        let bytes = Array(smallCatalog.utf8)
        for cut in 0..<bytes.count {
            #expect(throws: CatalogError.self) { try Catalog(decoding: Array(bytes[..<cut]), source: "cut") }
        }
    }

    @Test func deepNestingIsRejected() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: CatalogError.self) { try Catalog(decoding: Array(deep.utf8), source: "deep") }
    }

    @Test func nonJSONIsRejectedWithLineOne() {
        do {
            _ = try Catalog(decoding: Array("<html>".utf8), source: "x")
            Issue.record("accepted")
        } catch {
            #expect(error.line == 1)
        }
    }
}
