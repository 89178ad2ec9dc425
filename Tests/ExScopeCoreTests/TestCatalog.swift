@testable import ExScopeCore
import Foundation

/// The built-in catalog, decoded once for the whole test run.
let bundledCatalog: Catalog = {
    do {
        return try Catalog.bundled()
    } catch {
        fatalError("built-in catalog does not load: \(error)")
    }
}()

/// `Catalog/exchange-catalog.json` as it is in the repository.
let catalogFileText: String = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent("Catalog/exchange-catalog.json")
    guard let data = try? Data(contentsOf: url) else { fatalError("cannot read \(url.path)") }
    return String(decoding: data, as: UTF8.self)
}()

func day(_ text: String) -> CalendarDate {
    guard let date = CalendarDate(parsing: text) else { fatalError("bad test date \(text)") }
    return date
}

extension Verdict {
    func status(_ id: String) -> FindingStatus? { findings.first { $0.id == id }?.status }
    func finding(_ id: String) -> Finding? { findings.first { $0.id == id } }
}
