import ExScopeCore
import ExScopeTesting
import Foundation

/// A temporary folder with the synthetic August 2025 scan and its country ranges.
struct SyntheticScan {
    let folder: URL
    let scanFile: URL
    let rangeFile: URL

    static let lock = NSLock()
    nonisolated(unsafe) static var cachedLines: [String]?

    init(name: String = ExposureTableGenerator.scanName, lines customLines: [String]? = nil) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let generator = ExposureTableGenerator.august2025()
        let lines = try customLines ?? Self.august(generator)
        scanFile = folder.appendingPathComponent("\(name).jsonl")
        rangeFile = folder.appendingPathComponent("ranges.geoip")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: scanFile)
        try Data(generator.rangeFile().utf8).write(to: rangeFile)
    }

    private static func august(_ generator: ExposureTableGenerator) throws -> [String] {
        lock.lock()
        defer { lock.unlock() }
        if let cachedLines { return cachedLines }
        let lines = try generator.lines(catalog: Catalog.bundled())
        cachedLines = lines
        return lines
    }

    var store: String { folder.appendingPathComponent("store.sqlite").path }

    func write(_ name: String, _ text: String) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    func remove() { try? FileManager.default.removeItem(at: folder) }
}

/// The repository's root (for ../shared).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
