@testable import ExScopeCore
import Foundation
import Testing

@Suite struct CatalogTests {
    @Test func builtInCatalogIsTheRepositoryFile() {
        // The generated source must be regenerated (scripts/embed-catalog) whenever the file changes.
        #expect(Catalog.embeddedJSON == catalogFileText.trimmingSuffixNewlines())
    }

    @Test func builtInCatalogHasTheProductsAndVulnerabilitiesTheToolPromises() throws {
        let catalog = bundledCatalog
        #expect(catalog.date == day("2026-08-20"))
        #expect(catalog.products.map(\.id) == ["exchange-2007", "exchange-2010", "exchange-2013", "exchange-2016", "exchange-2019", "exchange-se"])
        let ids = Set(catalog.vulnerabilities.map(\.id))
        for id in ["CVE-2025-53786", "CVE-2021-26855", "CVE-2021-26857", "CVE-2021-26858", "CVE-2021-27065",
                   "CVE-2021-34473", "CVE-2021-34523", "CVE-2021-31207", "CVE-2022-41040", "CVE-2022-41082",
                   "CVE-2024-21410", "CVE-2025-25005", "CVE-2025-25006", "CVE-2025-25007", "CVE-2025-33051"] {
            #expect(ids.contains(id), "missing \(id)")
        }
        for vulnerability in catalog.vulnerabilities {
            #expect(!vulnerability.title.isEmpty && !vulnerability.remediation.isEmpty && !vulnerability.references.isEmpty)
            #expect(vulnerability.cvss > 0)
        }
    }

    @Test func everyReferenceBuildIsInTheCatalog() throws {
        // The research table in ../shared is the minimum the catalog must hold.
        let rows = try ReferenceBuilds.load()
        #expect(rows.count >= 144)
        for row in rows {
            let verdict = try bundledCatalog.verdict(for: row.build, asOf: day("2026-11-27"))
            #expect(verdict.product.name == row.product, "\(row.build)")
            #expect(verdict.line?.name == row.cu, "\(row.build)")
            if let update = row.update, update != "RTM" {
                #expect(verdict.update?.name == update, "\(row.build)")
            } else {
                #expect(verdict.placement == .cuBase, "\(row.build)")
            }
        }
    }

    @Test func everyCatalogRowRoundTrips() throws {
        var count = 0
        for product in bundledCatalog.products {
            for line in product.lines {
                let base = try bundledCatalog.verdict(for: line.base.description, asOf: day("2026-11-27"))
                #expect(base.product.id == product.id && base.line?.name == line.name && base.placement == .cuBase && base.update == nil)
                #expect(base.releaseDate == line.released)
                count += 1
                for update in line.updates {
                    for text in [update.build.description, update.build.zeroPadded] {
                        let verdict = try bundledCatalog.verdict(for: text, asOf: day("2026-11-27"))
                        #expect(verdict.product.id == product.id, "\(text)")
                        #expect(verdict.line?.name == line.name, "\(text)")
                        #expect(verdict.update?.name == update.name, "\(text)")
                        #expect(verdict.precision == .exact, "\(text)")
                        #expect(verdict.releaseDate == update.released, "\(text)")
                    }
                    count += 1
                }
            }
        }
        #expect(count >= 200)
    }

    @Test func everyLineHasOneFindingPerVulnerability() throws {
        for product in bundledCatalog.products {
            for line in product.lines {
                let verdict = try bundledCatalog.verdict(for: line.base.description, asOf: day("2026-11-27"))
                #expect(verdict.findings.map(\.id) == bundledCatalog.vulnerabilities.map(\.id))
            }
        }
    }

    @Test func everyListedFixIsABoundary() throws {
        // For every build fix in the catalog: one revision below is vulnerable, the fix itself is patched.
        var checked = 0
        for vulnerability in bundledCatalog.vulnerabilities {
            for affected in vulnerability.affected {
                for fix in affected.fixes {
                    guard let fixed = fix.fixedIn else { continue }
                    let at = try bundledCatalog.verdict(for: fixed.description, asOf: day("2026-11-27"))
                    #expect(at.status(vulnerability.id) == .patched, "\(vulnerability.id) at \(fixed)")
                    #expect(at.finding(vulnerability.id)?.fixedIn == fixed.description)
                    guard let line = bundledCatalog.product(id: affected.product)?.lines.first(where: { $0.name == fix.line }),
                          fixed > line.base else { continue }
                    var below = fixed
                    if below.revision > 0 {
                        below.revision -= 1
                    } else {
                        below.build -= 1
                        below.revision = 9999
                    }
                    let verdict = try bundledCatalog.verdict(for: below.description, asOf: day("2026-11-27"))
                    #expect(verdict.status(vulnerability.id) == .vulnerable, "\(vulnerability.id) at \(below)")
                    checked += 1
                }
            }
        }
        #expect(checked >= 60)
    }
}

extension String {
    func trimmingSuffixNewlines() -> String {
        var text = self
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }
}

extension BuildNumber {
    /// The zero-padded long form Microsoft's KB articles use, e.g. 15.02.1544.011.
    var zeroPadded: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(major, 2)).\(pad(minor, 2)).\(pad(build, 4)).\(pad(revision, 3))"
    }
}

/// Rows of ../shared/reference/exchange-builds.json (product, CU, update, build).
struct ReferenceBuilds: Decodable {
    var product: String
    var cu: String
    var update: String?
    var build: String

    static func load() throws -> [ReferenceBuilds] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/reference/exchange-builds.json")
        return try JSONDecoder().decode([ReferenceBuilds].self, from: Data(contentsOf: url))
    }
}
