import Foundation

/// A file a command writes: a report (`report --out`, `assess --out`) or a notice (`notify`).
enum OutputFile {
    /// Writes `text` to `path` (whole or not at all), or to standard output for `-`.
    static func write(_ text: String, to path: String) throws {
        if path == "-" {
            Terminal.output(text)
        } else {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ExScopeFailure.runFailure("cannot write \(path): \(CatalogOptions.describe(error))")
            }
        }
    }
}
