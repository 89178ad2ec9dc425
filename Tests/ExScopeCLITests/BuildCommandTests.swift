import Foundation
import Testing

@Suite struct BuildCommandTests {
    @Test func jsonOutputHasTheDocumentedFields() throws {
        let result = try ExScopeProcess.run(["build", "15.2.1544.11", "15.2.1544", "--format", "json", "--as-of", "2026-11-27"])
        #expect(result.status == 0, "\(result.stderr)")
        let objects = try result.jsonLines()
        #expect(objects.count == 2)
        let exact = objects[0]
        #expect(exact["schema"] as? String == "exscope.build/1")
        #expect(exact["input"] as? String == "15.2.1544.11")
        #expect(exact["build"] as? String == "15.2.1544.11")
        #expect(exact["precision"] as? String == "exact")
        #expect(exact["product"] as? String == "Exchange Server 2019")
        #expect(exact["cu"] as? String == "CU14")
        #expect(exact["update"] as? String == "Apr24HU")
        #expect(exact["releaseDate"] as? String == "2024-04-23")
        #expect(exact["support"] as? String == "end-of-life")
        #expect(exact["catalogDate"] as? String == "2026-08-20")
        let findings = try #require(exact["findings"] as? [[String: Any]])
        let hybrid = try #require(findings.first { $0["id"] as? String == "CVE-2025-53786" })
        #expect(hybrid["status"] as? String == "vulnerable")
        #expect(hybrid["fixedIn"] as? String == "15.2.1544.25")
        #expect((hybrid["reason"] as? String)?.isEmpty == false)
        #expect(objects[1]["precision"] as? String == "cu")
        #expect(objects[1]["build"] as? String == "15.2.1544")
        #expect(objects[1]["update"] == nil)
    }

    @Test func badInputIsOneLineOnStderrAndTheRestStillPrints() throws {
        let result = try ExScopeProcess.run(["build", "15.2.1748.24", "not-a-build", "15.1.2507.55", "--format", "json"])
        #expect(result.status == 2)
        #expect(try result.jsonLines().count == 2)
        let errors = result.stderr.split(separator: "\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("exscope: 'not-a-build'") == true)
    }

    @Test func tableOutputNamesTheCatalogAndWhatToDo() throws {
        let result = try ExScopeProcess.run(["build", "15.2.1258.39", "--as-of", "2026-11-27"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Exchange Server 2019 CU13 Nov24SUv2"))
        #expect(result.stdout.contains("catalog  2026-08-20"))
        #expect(result.stdout.contains("No fix exists for this CU"))
        #expect(result.stdout.contains("What to do:"))
        #expect(result.stdout.contains("ConfigureExchangeHybridApplication.ps1"))
    }

    @Test func failOnIsAPipelineGate() throws {
        let vulnerable = try ExScopeProcess.run(["build", "15.2.1544.11", "--fail-on", "vulnerable", "--format", "json"])
        #expect(vulnerable.status == 1)
        let clean = try ExScopeProcess.run(["build", "15.2.2562.46", "--fail-on", "vulnerable", "--format", "json"])
        #expect(clean.status == 0, "\(clean.stdout)")
        let unsupported = try ExScopeProcess.run(["build", "15.2.2562.46", "--fail-on", "unsupported", "--as-of", "2026-11-27"])
        #expect(unsupported.status == 0)
        let old = try ExScopeProcess.run(["build", "15.2.1748.49", "--fail-on", "unsupported", "--as-of", "2026-11-27"])
        #expect(old.status == 1)
    }

    @Test func readsVersionsFromStandardInput() throws {
        let result = try ExScopeProcess.run(["build", "-", "--format", "json"], stdin: "# inventory\n15.2.1748.24\n\n15.1.2507.6\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.jsonLines().map { $0["cu"] as? String } == ["CU15", "CU23"])
        // A list saved by a Windows editor starts with a byte order mark: not part of the first version.
        let marked = try ExScopeProcess.run(["build", "-", "--format", "json"], stdin: "\u{FEFF}15.2.1748.24\r\n")
        #expect(marked.status == 0, "\(marked.stderr)")
        #expect(try marked.jsonLines().map { $0["cu"] as? String } == ["CU15"])
    }

    @Test func asOfChangesTheSupportStatus() throws {
        let before = try ExScopeProcess.run(["build", "15.2.1748.39", "--format", "json", "--as-of", "2025-10-14"])
        let during = try ExScopeProcess.run(["build", "15.2.1748.39", "--format", "json", "--as-of", "2026-06-01"])
        #expect(try before.jsonLines().first?["support"] as? String == "supported")
        #expect(try during.jsonLines().first?["support"] as? String == "extended-security-updates")
    }

    @Test(arguments: [["build"], ["build", "15.2.1544.11", "--as-of", "yesterday"], ["build", "15.2.1544.11", "--format", "xml"], ["nonsense"]])
    func usageErrorsExitTwo(_ arguments: [String]) throws {
        let result = try ExScopeProcess.run(arguments)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(!result.stderr.isEmpty)
    }

    @Test func aNewerCatalogFileIsUsedWithoutRebuilding() throws {
        let original = try String(contentsOf: catalogURL, encoding: .utf8)
        let aug26 = "{\"name\": \"Aug26SU\", \"build\": \"15.2.2562.46\", \"released\": \"2026-08-11\", \"kb\": \"KB5121573\"}"
        let sep26 = "{\"name\": \"Sep26SU\", \"build\": \"15.2.2562.48\", \"released\": \"2026-09-08\", \"kb\": \"KB0000000\"}"
        let newer = original
            .replacingOccurrences(of: "\"catalogDate\": \"2026-08-20\"", with: "\"catalogDate\": \"2026-09-30\"")
            .replacingOccurrences(of: aug26, with: aug26 + ",\n" + sep26)
        #expect(newer.contains(sep26) && newer.contains("2026-09-30"))
        let file = try temporaryFile("catalog.json", contents: newer)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try ExScopeProcess.run(["build", "15.2.2562.48", "--catalog", file.path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try result.jsonLines().first)
        #expect(object["update"] as? String == "Sep26SU")
        #expect(object["catalogDate"] as? String == "2026-09-30")
        let builtIn = try ExScopeProcess.run(["build", "15.2.2562.48", "--format", "json"])
        #expect(try builtIn.jsonLines().first?["placement"] as? String == "newer-than-catalog")
    }

    @Test func aMalformedCatalogNamesTheFileAndLine() throws {
        let original = try String(contentsOf: catalogURL, encoding: .utf8)
        let broken = original.replacingOccurrences(of: "\"build\": \"15.2.1748.24\"", with: "\"build\": \"15.2.1748.x\"")
        let file = try temporaryFile("broken.json", contents: broken)
        defer { try? FileManager.default.removeItem(at: file) }
        let expectedLine = broken.prefix(upTo: try #require(broken.range(of: "15.2.1748.x")).lowerBound).filter { $0 == "\n" }.count + 1
        let result = try ExScopeProcess.run(["build", "15.2.1748.24", "--catalog", file.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(file.path):\(expectedLine):"), "\(result.stderr)")
        #expect(result.stderr.contains("four-part build"))
        #expect(result.stdout.isEmpty)
        let missing = try ExScopeProcess.run(["build", "15.2.1748.24", "--catalog", "/nonexistent/catalog.json"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/catalog.json"))
    }
}

@Suite struct BuildsCommandTests {
    @Test func listsEveryBuildOfAProduct() throws {
        let result = try ExScopeProcess.run(["builds", "list", "--product", "2019", "--format", "json"])
        #expect(result.status == 0)
        let rows = try result.jsonLines()
        #expect(rows.count > 80)
        #expect(rows.allSatisfy { $0["productId"] as? String == "exchange-2019" })
        #expect(rows.contains { $0["build"] as? String == "15.2.1748.24" && $0["update"] as? String == "Apr25HU" && $0["kb"] as? String == "KB5050672" })
    }

    @Test func tableListEndsWithTheCatalogDate() throws {
        let result = try ExScopeProcess.run(["builds", "list", "--product", "se"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("15.2.2562.17"))
        #expect(result.stdout.hasSuffix("catalog 2026-08-20\n"))
    }

    @Test func unknownProductIsBadInput() throws {
        let result = try ExScopeProcess.run(["builds", "list", "--product", "2003"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown product '2003'"))
    }

    @Test func vulnerabilitiesCarryRemediationAndReferences() throws {
        let result = try ExScopeProcess.run(["builds", "vulns", "--format", "json"])
        let rows = try result.jsonLines()
        let hybrid = try #require(rows.first { $0["id"] as? String == "CVE-2025-53786" })
        #expect(hybrid["cvss"] as? Double == 8.0)
        #expect((hybrid["remediation"] as? String)?.contains("keyCredentials") == true)
        #expect((hybrid["references"] as? [String])?.isEmpty == false)
    }
}

let catalogURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("Catalog/exchange-catalog.json")
