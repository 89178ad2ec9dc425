import ArgumentParser
import ExScopeCore
import ExScopeProbes
import ExScopeGeo
import ExScopeStore
import Foundation
import NIOCore

/// `exscope scan`: fingerprint Exchange over HTTPS, one JSON object per target.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Fingerprint Exchange servers over HTTPS to the exact build and write one result per target.",
        discussion: """
            Targets: addresses, CIDR blocks, ranges (a.b.c.d-e.f.g.h), host names, host:port, [v6]:port, \
            or -i FILE ('-' for standard input, one target a line, '#' comments; ZMap output works). \
            Reserved space is skipped unless named explicitly; documentation and multicast space never. \
            Loopback is scanned only when named. Scanning anything but loopback, or from -i, needs --contact. \
            Exit codes: 0 done; 1 with --fail-on when a host meets the condition; 2 bad input; 3 failure.
            """
    )

    @Argument(help: "Targets to scan.")
    var targets: [String] = []

    @Option(name: [.short, .customLong("input")], help: ArgumentHelp("Read targets from a file, '-' for standard input.", valueName: "file"))
    var input: String?

    @Option(name: [.short, .customLong("ports")], help: "Ports, e.g. 443,8443 (port 80 is plain HTTP).")
    var ports = "443"

    @Option(name: .customLong("exclude-file"), help: ArgumentHelp("Addresses, CIDRs or ranges never to contact (repeatable).", valueName: "file"))
    var excludeFiles: [String] = []

    @Option(parsing: .unconditional, help: "New hosts started per second (default: no cap).")
    var rate: Double?

    @Option(parsing: .unconditional, help: "Hosts in flight at once.")
    var concurrency = 256

    @Option(name: .customLong("connect-timeout"), parsing: .unconditional, help: "Seconds to connect.")
    var connectTimeout = 5.0
    @Option(name: .customLong("tls-timeout"), parsing: .unconditional, help: "Seconds for the TLS handshake.")
    var tlsTimeout = 5.0
    @Option(name: .customLong("response-timeout"), parsing: .unconditional, help: "Seconds for each response.")
    var responseTimeout = 10.0
    @Option(name: .customLong("host-timeout"), parsing: .unconditional, help: "Seconds for everything on one host.")
    var hostTimeout = 30.0
    @Option(name: .customLong("max-header-bytes"), parsing: .unconditional, help: "Cap on one response's headers.")
    var maxHeaderBytes = 64 * 1024
    @Option(name: .customLong("max-body-bytes"), parsing: .unconditional, help: "Cap on one response's body.")
    var maxBodyBytes = 512 * 1024

    @Option(help: "Where network owners learn about your scan and opt out (URL or e-mail); sent in the User-Agent.")
    var contact: String?

    @Option(name: .customLong("user-agent"), help: "Replace the whole User-Agent.")
    var userAgent: String?

    @Flag(help: "Also send an NTLM negotiate to learn the server's names and Windows version.")
    var identity = false

    @Flag(name: .customLong("hybrid-hint"), help: "Also send an empty Bearer challenge to see whether OAuth to Microsoft 365 is configured.")
    var hybridHint = false

    @Flag(help: "Always read the OWA logon page, to cross-check the manifest's build with the OWA path (one more, large, response per host).")
    var thorough = false

    @Flag(name: .customLong("plain-http"), help: "Speak plain HTTP on every port.")
    var plainHTTP = false

    @Option(help: "Output format: jsonl (one JSON object per target) or table.")
    var format: ScanFormat = .jsonl

    @Option(name: [.short, .customLong("output")], help: ArgumentHelp("Write results to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(parsing: .unconditional, help: "Seed of the pseudo-random target order; shards of one scan must share it.")
    var seed: UInt64 = 0x45_78_53_63

    @Option(help: ArgumentHelp("Scan only shard i of n, counted from 0: 0/4, 1/4, 2/4 and 3/4 cover the targets.", valueName: "i/n"))
    var shard: String?

    @Option(name: .customLong("fail-on"), help: "Exit 1 when a scanned host is vulnerable to this finding (e.g. CVE-2025-53786) or to any (any).")
    var failOn: String?

    @Flag(inversion: .prefixedNo, help: "Progress bar on standard error (default: when it is a terminal; plain lines otherwise).")
    var progress: Bool?

    @Flag(help: "No progress and no summary on standard error.")
    var quiet = false

    @Flag(name: .customLong("all-statuses"), help: "Also write targets that refused, timed out, did not resolve or were excluded.")
    var allStatuses = false

    @Flag(help: "Continue the scan whose -o FILE and FILE.checkpoint are given, with the same arguments.")
    var resume = false

    @OptionGroup var catalogOptions: CatalogOptions

    @Option(name: .customLong("scan-name"), help: "Name of the scan in the store (default: a timestamp); shards of one scan share it.")
    var scanName: String?

    @Flag(name: .customLong("no-store"), help: "Do not write results to the store.")
    var noStore = false

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var geoOptions: GeoOptions

    enum ScanFormat: String, ExpressibleByArgument, CaseIterable { case jsonl, table }

    func validate() throws {
        if targets.isEmpty && input == nil { throw ValidationError("give targets or -i FILE") }
        guard concurrency >= 1 && concurrency <= 20_000 else { throw ValidationError("--concurrency must be 1-20000") }
        if let rate, !(rate > 0) { throw ValidationError("--rate must be above 0") }
        for (name, value) in [("connect", connectTimeout), ("tls", tlsTimeout), ("response", responseTimeout), ("host", hostTimeout)]
        where !(value > 0 && value <= 3600) {
            throw ValidationError("--\(name)-timeout must be more than 0 and at most 3600 seconds")
        }
        guard maxHeaderBytes >= 1024, maxBodyBytes >= 1024 else { throw ValidationError("size caps must be at least 1024 bytes") }
        guard maxHeaderBytes <= 16 << 20, maxBodyBytes <= 256 << 20 else {
            throw ValidationError("--max-header-bytes is at most 16 MiB and --max-body-bytes at most 256 MiB")
        }
        for (name, value) in [("--contact", contact), ("--user-agent", userAgent)] {
            guard let value else { continue }
            if value.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("\(name) is empty") }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError("\(name) contains a control character (it is sent in a header)")
            }
        }
        // The User-Agent is how network owners find who scans them: one given whole must carry the contact.
        if let userAgent, let contact, !userAgent.contains(contact) {
            throw ValidationError("--user-agent must include the --contact value, so network owners can reach you")
        }
        // Results written over the file the targets or opt-outs are read from would lose it.
        for (name, path) in [("-i", input)] + excludeFiles.map({ ("--exclude-file", $0) }) {
            if let output, let path, output != "-", path != "-", Self.sameFile(output, path) {
                throw ValidationError("-o \(output) is the \(name) file; results would overwrite it")
            }
        }
        if resume && (output == nil || output == "-") { throw ValidationError("--resume needs -o FILE (the checkpoint sits beside it)") }
        if resume && input == "-" { throw ValidationError("a scan reading standard input cannot be resumed") }
        _ = try shardValue()
    }

    /// Whether two paths name one file (the same device and inode); false when either is not there.
    static func sameFile(_ first: String, _ second: String) -> Bool {
        var a = stat(), b = stat()
        return stat(first, &a) == 0 && stat(second, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    func shardValue() throws -> (index: Int, count: Int) {
        guard let shard else { return (0, 1) }
        let parts = shard.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 0, i < n else {
            throw ValidationError("--shard '\(shard)' is not i/n with 0 <= i < n")
        }
        return (i, n)
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        // A mistyped gate would never fire: the id must be one the catalog knows.
        if let failOn, failOn != "any" { _ = try CatalogOptions.finding(failOn, in: catalog) }
        let asOf = catalogOptions.date
        let shardSpec = try shardValue()
        // Everything given on the command line is checked before any packet is sent.
        let (specs, portList, exclusions) = try parsedInputs()
        // --user-agent alone does not lift this: the contact must be there (and in the User-Agent, checked above).
        if contact == nil {
            let why = "(sent in the User-Agent so network owners can learn about the scan and opt out)"
            if specs.contains(where: { !Self.isLoopback($0) }) {
                throw ExScopeFailure.badInput("scanning beyond loopback needs --contact URL-or-email \(why)")
            }
            // Its targets are read as the scan runs, so that they are all loopback is not known beforehand.
            if input != nil { throw ExScopeFailure.badInput("a scan of --input targets needs --contact URL-or-email \(why)") }
        }
        let plan = try specs.isEmpty ? nil : Self.badInput {
            try ScanPlan(targets: specs, ports: portList, exclusions: exclusions, seed: seed, shard: shardSpec)
        }

        var configuration = ProbeConfiguration()
        configuration.timeouts.connect = Self.amount(connectTimeout)
        configuration.timeouts.tlsHandshake = Self.amount(tlsTimeout)
        configuration.timeouts.response = Self.amount(responseTimeout)
        configuration.timeouts.host = Self.amount(hostTimeout)
        configuration.limits.headerBytes = maxHeaderBytes
        configuration.limits.bodyBytes = maxBodyBytes
        configuration.userAgent = userAgent ?? ProbeConfiguration.userAgent(contact: contact)
        configuration.identity = identity
        configuration.hybridHint = hybridHint
        configuration.thorough = thorough
        // Every port: those of host:port targets and -i lines too, not only -p's.
        if plainHTTP { configuration.plainHTTPPorts = Set(1...65_535) }

        let prober: HostProber
        do {
            prober = try HostProber(configuration: configuration, catalog: catalog, asOf: asOf)
        } catch {
            throw ExScopeFailure.runFailure("cannot set up TLS: \(error)")
        }
        var runner = ScanRunner(prober: prober, concurrency: concurrency, rate: rate)
        let fingerprint = scanFingerprint()
        var checkpoint: Checkpoint?
        if resume, let output {
            let saved = try Checkpoint.load(from: Checkpoint.path(for: output))
            guard saved.fingerprint == fingerprint else {
                throw ExScopeFailure.badInput("--resume: \(output) was written by a scan with other targets or options")
            }
            checkpoint = saved
        }
        let sink = try ResultSink(path: output, format: format, failOn: failOn, allStatuses: allStatuses,
                                  truncateTo: checkpoint?.outputBytes)
        let stop = StopFlag()
        runner.isStopping = { stop.isSet }
        let checkpointPath = output.flatMap { Self.isRegularOutput($0) ? Checkpoint.path(for: $0) : nil }
        let session = ScanSession(sink: sink, checkpointPath: checkpointPath,
                                  fingerprint: fingerprint, resumed: checkpoint, asOf: asOf, catalogDate: catalog.date)
        try session.start()
        let total = plan.map { ($0.size + UInt64(shardSpec.count) - 1) / UInt64(shardSpec.count) }
        let progressMode: ProgressReporter.Mode = quiet ? .off : (progress ?? Terminal.stderrIsTTY) ? .bar : (progress == false ? .off : .lines)
        let reporter = ProgressReporter(total: input == nil ? total : nil, mode: progressMode)
        let inputTargets = try input.map { try FileTargets(path: $0, ports: portList, exclusions: exclusions) }
        var targets = ChainedTargets(first: plan, second: inputTargets, stop: stop)
        if let checkpoint {
            // Skip what the killed run had already taken; its in-flight targets are rescanned first.
            targets.skip = checkpoint.position
            targets.replay = checkpoint.inFlight.map(\.scanTarget)
        }
        let storeSink = try await openStoreSink(catalog: catalog, shard: shardSpec, encoder: sink.encoder)
        // The first Ctrl-C lets the hosts in flight finish (up to --host-timeout); a second quits at once. Either way
        // the checkpoint stays valid: it is only ever replaced whole, and --resume cuts the output back to it.
        let interrupt = SignalWatcher(signal: SIGINT) {
            if stop.set() {
                Terminal.error("interrupted again: quitting now\(checkpointPath != nil ? "; --resume continues from the last checkpoint" : "")")
                Foundation.exit(ExitCode.runFailure.rawValue)
            }
            Terminal.error("stopping: no new targets; the hosts in flight finish (Ctrl-C again to quit at once)")
        }
        defer { interrupt.cancel() }

        let summary: ScanRunner.Summary
        var localFailure: ScanRunner.LocalFailure?
        do {
            summary = try await runner.run(targets, onTaken: { session.taken($0, $1) }, onResult: { outcome in
                if let written = try session.finished(outcome), let storeSink { try await storeSink.add(written.record, json: written.json) }
                reporter.update(session.counts)
            })
        } catch let failure as ScanRunner.LocalFailure {
            // The targets that failed stay in the checkpoint's in-flight list: a resume scans them.
            localFailure = failure
            summary = failure.summary
        }
        reporter.finish()
        try session.complete(interrupted: stop.isSet || localFailure != nil)
        try await storeSink?.finish()
        if !quiet { Terminal.error(summaryLine(summary, session.counts), prefix: false) }
        if let error = inputTargets?.error { throw ExScopeFailure.badInput(error) }
        let resumeHint = output.map { "; continue with --resume -o \($0)" } ?? ""
        if let localFailure {
            throw ExScopeFailure.runFailure("stopped after \(session.counts.results) results: \(localFailure.reason) (a limit of this machine, not an answer of a target: raise `ulimit -n` or lower --concurrency); everything is flushed\(resumeHint)")
        }
        if stop.isSet {
            throw ExScopeFailure.runFailure("interrupted after \(session.counts.results) results; everything is flushed\(resumeHint)")
        }
        if session.counts.gateHits > 0 { throw ExitCode.needsAction }
    }

    /// The store writer, unless --no-store; a default store that cannot be opened is skipped with a warning.
    private func openStoreSink(catalog: Catalog, shard: (index: Int, count: Int), encoder: RecordEncoder) async throws -> StoreSink? {
        guard !noStore else { return nil }
        let enricher = try geoOptions.enricher()
        let store: any ResultStore
        do {
            store = try await storeOptions.open()
        } catch let failure as ExScopeFailure where storeOptions.store == nil && scanName == nil {
            if !quiet { Terminal.error("not storing results: \(failure.message)") }
            return nil
        }
        let started = StoreTime.now()
        var options = ["ports": ports, "seed": String(seed)]
        if let shard = self.shard { options["shard"] = shard }
        if identity { options["identity"] = "true" }
        if hybridHint { options["hybridHint"] = "true" }
        if thorough { options["thorough"] = "true" }
        let info = ScanInfo(name: scanName ?? "scan-" + started, startedAt: started,
                            targets: (targets + (input.map { ["-i", $0] } ?? [])).joined(separator: " "), options: options,
                            source: "scan", enrichment: enricher.sourceDescription, catalogDate: catalog.date.description)
        let id = try await storeOperation { try await store.openScan(info) }
        return StoreSink(store: store, scan: id, enricher: enricher, encoder: encoder)
    }

    /// What identifies this scan for --resume: everything that decides the target order and the output.
    private func scanFingerprint() -> String {
        let parts = [targets.joined(separator: " "), input ?? "", ports, excludeFiles.joined(separator: " "), String(seed),
                     shard ?? "", plainHTTP ? "plain" : "tls", identity ? "identity" : "", hybridHint ? "hybrid" : "",
                     thorough ? "thorough" : "", allStatuses ? "all" : "", format.rawValue]
            // Verdicts judged on another date or with another catalog must not be mixed into one file.
            // (Added only when given, so checkpoints written before these were part of it still resume.)
            + [catalogOptions.asOf.map { "as-of \($0)" }, catalogOptions.catalog.map { "catalog \($0)" }].compactMap { $0 }
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in parts.joined(separator: "\u{1F}").utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    private func summaryLine(_ summary: ScanRunner.Summary, _ counts: ScanSession.Counts) -> String {
        let statuses = summary.byStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        var line = "scanned \(summary.total) targets\(statuses.isEmpty ? "" : " (\(statuses))"); Exchange on-premises \(counts.onPremises), Exchange Online \(counts.online); CVE-2025-53786: vulnerable \(counts.hybridVulnerable), patched \(counts.hybridPatched), indeterminate \(counts.hybridIndeterminate)"
        if summary.excludedSilently > 0 { line += "; \(summary.excludedSilently) addresses skipped by exclusions" }
        return line
    }

    /// Targets, ports and exclusions from the command line, or a bad-input failure naming the problem.
    private func parsedInputs() throws -> ([TargetSpec], [Int], ExclusionList) {
        let specs = try targets.map { text in try Self.badInput { try TargetSpec(parsing: text) } }
        let portList = try Self.badInput { try parsePorts(ports) }
        var exclusions = ExclusionList.standard
        for file in excludeFiles {
            let text: String
            do {
                text = try String(contentsOfFile: file, encoding: .utf8)
            } catch {
                throw ExScopeFailure.badInput("cannot read exclude file \(file): \(CatalogOptions.describe(error))")
            }
            try Self.badInput { try exclusions.addUserExclusions(text, source: file) }
        }
        return (specs, portList, exclusions)
    }

    /// Runs a target parser and turns its error into a bad-input failure.
    static func badInput<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as TargetError {
            throw ExScopeFailure.badInput(error.reason)
        }
    }

    /// A checkpoint goes only beside a regular file (or one about to be created), never beside a
    /// device such as /dev/null or standard output.
    static func isRegularOutput(_ path: String) -> Bool {
        guard path != "-" else { return false }
        guard let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType else { return true }
        return type == .typeRegular
    }

    static func amount(_ seconds: Double) -> TimeAmount { .nanoseconds(Int64(seconds * 1e9)) }

    /// Only 127.0.0.0/8 and ::1, and the name localhost, count as loopback.
    static func isLoopback(_ spec: TargetSpec) -> Bool {
        switch spec {
        case .addresses(let block, _):
            // 127.0.0.0/8 is one run and ::1 one address: the block is inside when both its ends are.
            return block.first.isLoopback && block.last.isLoopback
        case .hostname(let name, _):
            return name == "localhost"
        }
    }
}
