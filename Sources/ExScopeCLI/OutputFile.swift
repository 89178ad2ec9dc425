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
        // A report written over a store (`--out` naming the --store file) would destroy every scan in it.
        if exists, let handle = FileHandle(forReadingAtPath: path) {
            let start = (try? handle.read(upToCount: 16)) ?? nil
            try? handle.close()
            if start == Data("SQLite format 3\0".utf8) {
                throw ExScopeFailure.badInput("cannot write \(path): it is a SQLite database (a store?); choose another file")
            }
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: exists && info.st_mode & S_IFMT != S_IFREG ? [] : .atomic)
        } catch {
            throw ExScopeFailure.runFailure("cannot write \(path): \(CatalogOptions.describe(error))")
        }
    }
}
