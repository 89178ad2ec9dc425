import Foundation

/// A file a command writes: a report (`report --out`, `assess --out`) or a notice (`notify`).
enum OutputFile {
    /// Writes `text` to `path`, or to standard output for `-`. A new or regular file is written whole or
    /// not at all (a temporary file renamed over it); a symbolic link, device or pipe is written through,
    /// not replaced.
    static func write(_ text: String, to path: String) throws {
        if path == "-" {
            Terminal.output(text)
            return
        }
        var info = stat()
        let exists = lstat(path, &info) == 0
        if exists && info.st_mode & S_IFMT == S_IFDIR { throw ExScopeFailure.badInput("cannot write \(path): it is a directory") }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: exists && info.st_mode & S_IFMT != S_IFREG ? [] : .atomic)
        } catch {
            throw ExScopeFailure.runFailure("cannot write \(path): \(CatalogOptions.describe(error))")
        }
    }
}
