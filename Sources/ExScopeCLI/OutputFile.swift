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
        guard !path.isEmpty else { throw ExScopeFailure.badInput("the output file name is empty") }
        var link = stat(), target = stat()
        let exists = lstat(path, &link) == 0
        let targetKind = stat(path, &target) == 0 ? target.st_mode & S_IFMT : nil
        if targetKind == S_IFDIR { throw ExScopeFailure.badInput("cannot write \(path): it is a directory") }
        let folder = (path as NSString).deletingLastPathComponent
        var folderInfo = stat()
        if !folder.isEmpty, stat(folder, &folderInfo) != 0 || folderInfo.st_mode & S_IFMT != S_IFDIR {
            throw ExScopeFailure.badInput("cannot write \(path): there is no folder \(folder)")
        }
        // A report written over a store (`--out` naming the --store file, or a link to it) would destroy every
        // scan in it. Only a regular file is looked into: opening a pipe to read would wait for a writer.
        if targetKind == S_IFREG, let handle = FileHandle(forReadingAtPath: path) {
            let start = (try? handle.read(upToCount: 16)) ?? nil
            try? handle.close()
            if start == Data("SQLite format 3\0".utf8) {
                throw ExScopeFailure.badInput("cannot write \(path): it is a SQLite database (a store?); choose another file")
            }
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: exists && link.st_mode & S_IFMT != S_IFREG ? [] : .atomic)
        } catch {
            throw ExScopeFailure.runFailure("cannot write \(path): \(CatalogOptions.describe(error))")
        }
    }
}
