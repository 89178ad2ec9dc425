import ArgumentParser
import ExScopeGeo
import ExScopeStore
import Foundation

/// `exscope import`: load JSON Lines written by `exscope scan` elsewhere into the store.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load exscope.scan/1 JSON Lines into the store, locating each address.",
        discussion: """
            Each file is imported in one transaction: a bad line names FILE:LINE and nothing of that file \
            is stored (exit 2). Importing a file again replaces its results (same data, no duplicates). \
            The scan name is --scan-name, else the records' "scan" field, else the file name.
            """
    )

    @Argument(help: "JSON Lines files ('-' for standard input).")
    var files: [String]

    @Option(name: .customLong("scan-name"), help: "The scan to import into (shards and parts of one scan share it).")
    var scanName: String?

    @Option(name: .customLong("label"), help: ArgumentHelp("Store KEY=VALUE with the scan's options (repeatable), e.g. synthetic=true.", valueName: "key=value"))
    var labels: [String] = []

    @Flag(inversion: .prefixedNo, help: "Progress bar on standard error (default: when it is a terminal).")
    var progress: Bool?

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var geoOptions: GeoOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("give one or more JSON Lines files") }
        for label in labels where !label.contains("=") { throw ValidationError("--label '\(label)' is not KEY=VALUE") }
    }

    func run() async throws {
        let enricher = try geoOptions.enricher()
        // Every file is opened and its first record read before the store is opened: a wrong path, a
        // compressed file or a file without records is refused before a new, empty store is made.
        var inputs: [(file: String, input: MappedFile, first: (scan: String?, timestamp: String))] = []
        for file in files {
            let input = file == "-" ? try MappedFile(readingToEnd: STDIN_FILENO, name: "standard input") : try MappedFile(path: file)
            // No scan is made of nothing: it would become the latest scan, which reports show by default.
            guard let first = try ImportFeed(input: input, file: file, enricher: enricher, store: nil).peek() else {
                throw ExScopeFailure.badInput("\(file) has no records (exscope.scan/1 JSON Lines); nothing of it was imported")
            }
            inputs.append((file, input, first))
        }
        let store = try await storeOptions.open()
        var options: [String: String] = [:]
        for label in labels {
            let parts = label.split(separator: "=", maxSplits: 1)
            options[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        for (file, input, first) in inputs {
            var feed = try ImportFeed(input: input, file: file, enricher: enricher, store: store)
            let reporter = ProgressReporter(total: nil, mode: (progress ?? Terminal.stderrIsTTY) ? .bar : .off)
            feed.onProgress = { rows, fraction, finished in
                reporter.update(done: rows, unit: "results", fraction: fraction, detail: finished ? "all read; writing the store" : file, force: finished)
            }
            defer { reporter.finish() }  // when the import fails: before its error is written
            let name = scanName ?? first.scan ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            var fileOptions = options
            fileOptions["file"] = file
            let scan = ScanInfo(name: name, startedAt: first.timestamp, targets: file, options: fileOptions,
                                source: options["synthetic"] == "true" ? "synthetic" : "import", enrichment: enricher.sourceDescription)
            let started = ContinuousClock.now
            let summary = try await storeOperation { try await store.importResults(scan: scan, feed: &feed) }
            reporter.finish()
            let seconds = (ContinuousClock.now - started).seconds
            Terminal.error("imported \(summary.rows) results from \(file) into scan '\(summary.scan)' in \(store.displayName) "
                           + "(\(String(format: "%.2f", seconds)) s); \(enricher.sourceDescription)", prefix: false)
        }
        try await store.close()
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
