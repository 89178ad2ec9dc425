import ExScopeCore
import ExScopeTesting
import Foundation
import Testing

/// `exscope scan` as a user runs it: a real process against the loopback simulator.
@Suite(.serialized) struct ScanCommandTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func outputValidatesAgainstThePublishedSchema() async throws {
        let simulator = try FleetSimulator(configuration: .init(hosts: 120, seed: 11, baseAddress: "127.24.0.1"), catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-schema-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try ExScopeProcess.run(["scan", "127.24.0.0/25", "-p", "\(simulator.port)", "--all-statuses", "--identity",
                                             "--hybrid-hint", "--response-timeout", "4", "--host-timeout", "20", "-o", output.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("scanned 128 targets"))
        let validator = Process()
        validator.executableURL = Self.repository.appendingPathComponent("scripts/validate-jsonl")
        validator.arguments = [Self.repository.appendingPathComponent("schemas/scan-v1.schema.json").path, output.path]
        let pipe = Pipe()
        validator.standardOutput = pipe
        validator.standardError = pipe
        try validator.run()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        validator.waitUntilExit()
        #expect(validator.terminationStatus == 0, "\(text)")
        #expect(text.hasPrefix("128 valid"), "\(text)")
    }

    @Test func refusedTargetsAreWrittenOnlyWithAllStatuses() async throws {
        let simulator = try FleetSimulator(configuration: .init(personas: [.onPrem(BuildNumber(15, 2, 1748, 24)), .hostile(.refuse)],
                                                                baseAddress: "127.25.0.1"), catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let quiet = try ExScopeProcess.run(["scan", "127.25.0.1", "127.25.0.2", "-p", "\(simulator.port)", "--quiet"])
        #expect(try quiet.jsonLines().map { $0["status"] as? String } == ["success"])
        #expect(quiet.stderr.isEmpty)
        let all = try ExScopeProcess.run(["scan", "127.25.0.1", "127.25.0.2", "-p", "\(simulator.port)", "--all-statuses", "--quiet"])
        #expect(Set(try all.jsonLines().compactMap { $0["status"] as? String }) == ["success", "connection-refused"])
    }

    @Test(arguments: [
        (["scan", "127.0.0.1/33"], "CIDR"), (["scan", "10.0.0.1-10.0.0"], "range"), (["scan", "8.8.8.8"], "--contact"),
        (["scan", "127.0.0.1", "-p", "0"], "port"), (["scan", "127.0.0.1", "--shard", "3/2"], "shard"), (["scan", "127.0.0.1", "--shard", "2/2"], "shard"),
        (["scan", "127.0.0.1", "--exclude-file", "/nonexistent"], "exclude file"),
        (["scan", "-i", "-"], "a scan of --input targets needs --contact"), (["scan", "127.0.0.1", "8.8.8.8", "-i", "-"], "beyond loopback needs --contact"),
        // A negative number is the option's value, checked by the command, not taken for an option.
        (["scan", "127.0.0.1", "--concurrency", "-3"], "--concurrency must be 1-20000"), (["scan", "127.0.0.1", "--rate", "-5"], "--rate must be above 0"),
        (["scan", "127.0.0.1", "--host-timeout", "-1"], "--host-timeout must be more than 0"),
        // Beyond loopback the contact is required, whatever else is given, and goes out in the User-Agent.
        (["scan", "10.255.255.1", "--user-agent", "x"], "beyond loopback needs --contact"), (["scan", "10.255.255.1", "--contact", ""], "--contact is empty"),
        (["scan", "10.255.255.1", "--contact", " "], "--contact is empty"), (["scan", "127.0.0.1", "--contact", "a\r\nX-Evil: 1"], "control character"),
        (["scan", "10.255.255.1", "--contact", "me@example.org", "--user-agent", "other"], "must include the --contact value"),
        (["scan", "127.0.0.1", "--max-body-bytes", "9223372036854775807"], "at most 256 MiB"),
        (["scan", "127.0.0.1", "--fail-on", "CVE-2025-5378", "--no-store"], "unknown finding 'CVE-2025-5378'"),
        (["scan", "-i", "/", "--contact", "me@example.org", "--no-store"], "cannot read target file /: it is a directory"),
        (["scan", "127.0.0.1", "--exclude-file", "/", "--no-store"], "cannot read exclude file /: it is a directory"),
    ])
    func badTargetsAreRejectedBeforeAnyTraffic(_ arguments: [String], _ fragment: String) throws {
        let result = try ExScopeProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    /// Results are never written over the file the targets or the opt-outs come from.
    /// A target list saved by a Windows editor (byte order mark, CR LF) reads like any other.
    @Test func aTargetFileWithAByteOrderMarkIsRead() throws {
        let result = try ExScopeProcess.run(["scan", "-i", "-", "-p", "1", "--contact", "me@example.org", "--no-store", "--quiet", "--all-statuses"],
                                            stdin: "\u{FEFF}127.0.0.1\r\n")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try result.jsonLines().map { $0["ip"] as? String } == ["127.0.0.1"])
    }

    @Test func theOutputCannotBeTheTargetOrExclusionFile() throws {
        let targets = try temporaryFile("targets.txt", contents: "127.0.0.1\n")
        defer { try? FileManager.default.removeItem(at: targets) }
        for arguments in [["-i", targets.path], ["127.0.0.1", "--exclude-file", targets.path]] {
            let result = try ExScopeProcess.run(["scan"] + arguments + ["-o", targets.path, "--contact", "me@example.org", "--no-store"])
            #expect(result.status == 2, "\(arguments)")
            #expect(result.stderr.contains("results would overwrite it"), "\(result.stderr)")
            #expect(try String(contentsOf: targets, encoding: .utf8) == "127.0.0.1\n")
        }
    }

    @Test func aBadLineInTheTargetFileStopsWithItsLineNumberAndKeepsWhatWasScanned() async throws {
        let simulator = try FleetSimulator(configuration: .init(personas: [.onPrem(BuildNumber(15, 1, 2507, 55))], baseAddress: "127.26.0.1"),
                                           catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let result = try ExScopeProcess.run(["scan", "-i", "-", "-p", "\(simulator.port)", "--contact", "test@example.invalid", "--quiet"],
                                            stdin: "# zmap output\n127.26.0.1\n300.1.2.3\n127.26.0.9\n")
        #expect(result.status == 2)
        #expect(result.stderr.contains("standard input:3:"), "\(result.stderr)")
        #expect(try result.jsonLines().map { $0["update"] as? String } == ["Apr25HU"])
    }

    @Test func killedWithSIGKILLAndResumedGivesTheSameResultsAsOneRun() async throws {
        try await stopAndResume(seed: 21, base: "127.27.0.1", network: "127.27.0.0/23") { common, partial, _ in
            // A slow run (rate-limited), killed with SIGKILL after its first checkpoints.
            let process = Process()
            process.executableURL = ExScopeProcess.productsDirectory.appendingPathComponent("exscope")
            process.arguments = common + ["-o", partial, "--rate", "120"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            try await Task.sleep(for: .milliseconds(2500))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            #expect(process.terminationReason == .uncaughtSignal)
        }
    }

    @Test func aScanThatRunsOutOfDescriptorsStopsWithoutInventingResultsAndResumes() async throws {
        try await stopAndResume(seed: 22, base: "127.28.0.1", network: "127.28.0.0/23") { common, partial, whole in
            // 40 descriptors: a few dozen connections at once, against 256 hosts in flight.
            let limited = try ExScopeProcess.run(common + ["-o", partial], descriptorLimit: 40)
            let stderr = limited.stderr
            #expect(limited.status == 3, "\(stderr)")
            #expect(stderr.contains("opening a socket failed on this machine: Too many open files"), "\(stderr)")
            #expect(stderr.contains("continue with --resume -o \(partial)"), "\(stderr)")
            // What was written is true: no target is reported refused for want of a socket.
            let before = try Self.comparable(partial)
            #expect(before.count < 512)
            #expect(Set(before).isSubset(of: Set(try Self.comparable(whole))), "a result differs from an unhindered scan")

            // A resume that would judge on another date is refused; so is a checkpoint that counts more output than
            // the file has (it would pad the results with zeros). Both leave the file and checkpoint as they were.
            let size = try FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int
            let mixed = try ExScopeProcess.run(common + ["-o", partial, "--resume", "--as-of", "2020-01-01"])
            #expect(mixed.status == 2)
            #expect(mixed.stderr.contains("was written by a scan with other targets or options"), "\(mixed.stderr)")
            let checkpoint = URL(fileURLWithPath: partial + ".checkpoint")
            let saved = try Data(contentsOf: checkpoint)
            var object = try #require(try JSONSerialization.jsonObject(with: saved) as? [String: Any])
            object["outputBytes"] = 1 << 40
            try JSONSerialization.data(withJSONObject: object).write(to: checkpoint)
            let padded = try ExScopeProcess.run(common + ["-o", partial, "--resume"])
            #expect(padded.status == 2)
            #expect(padded.stderr.contains("it is not this file's checkpoint"), "\(padded.stderr)")
            #expect(try FileManager.default.attributesOfItem(atPath: partial)[.size] as? Int == size)
            // A position past the end of the targets ends the scan after the in-flight ones instead of hanging.
            object["outputBytes"] = 0
            object["position"] = UInt64.max - 1
            let beyond = partial + ".beyond.jsonl"
            try FileManager.default.copyItem(atPath: partial, toPath: beyond)
            try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: beyond + ".checkpoint"))
            let ended = try ExScopeProcess.run(common + ["-o", beyond, "--resume"])
            #expect(ended.status == 0, "\(ended.stderr)")
            try saved.write(to: checkpoint)
        }
    }

    @Test func ctrlCLetsHostsInFlightFinishAndASecondCtrlCQuitsAtOnce() async throws {
        // Hosts that complete TLS and never answer: each holds the scan for its 60 s response timeout.
        let simulator = try FleetSimulator(configuration: .init(personas: Array(repeating: .hostile(.hangAfterRequest), count: 8),
                                                                baseAddress: "127.29.0.1"), catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-sigint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("scan.jsonl").path
        let process = Process()
        process.executableURL = ExScopeProcess.productsDirectory.appendingPathComponent("exscope")
        let common = ["scan", "127.29.0.1-127.29.0.8", "-p", "\(simulator.port)", "--no-store", "--quiet", "--all-statuses", "-o", output]
        process.arguments = common + ["--response-timeout", "60", "--host-timeout", "120"]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        // Interrupt once every host is waiting for its answer.
        while simulator.openConnections < 8 && process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        kill(process.processIdentifier, SIGINT)
        try await Task.sleep(for: .milliseconds(500))
        #expect(process.isRunning, "the first Ctrl-C did not let the hosts in flight finish")
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3, "\(stderr)")
        #expect(stderr.contains("stopping: no new targets; the hosts in flight finish (Ctrl-C again to quit at once)"), "\(stderr)")
        #expect(stderr.contains("interrupted again: quitting now; --resume continues from the last checkpoint"), "\(stderr)")
        // No host had finished: every target taken is still in flight in the checkpoint, so --resume scans all eight.
        let checkpoint = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + ".checkpoint"))) as? [String: Any]
        let position = checkpoint?["position"] as? Int, inFlight = (checkpoint?["inFlight"] as? [Any])?.count
        #expect(position != nil && position == inFlight, "\(String(describing: checkpoint))")
        // Resumed with a short response timeout (not part of what a resume must repeat): all eight, each once.
        let resumed = try ExScopeProcess.run(common + ["--response-timeout", "1", "--host-timeout", "5", "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let statuses = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n").map { line in
            (try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["status"] as? String
        }
        #expect(statuses == Array(repeating: "io-timeout", count: 8), "\(statuses)")
    }

    /// Under a slow --rate the scan waits between starts; Ctrl-C during that wait ends it at once, and the
    /// target it waited for is left for --resume instead of being started after the Ctrl-C.
    @Test func ctrlCDuringARateWaitStopsAtOnce() async throws {
        let simulator = try FleetSimulator(configuration: .init(personas: Array(repeating: .onPrem(BuildNumber(15, 1, 2507, 55)), count: 3),
                                                                baseAddress: "127.29.1.1"), catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-rate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("scan.jsonl").path
        let process = Process()
        process.executableURL = ExScopeProcess.productsDirectory.appendingPathComponent("exscope")
        // One start every 50 s: the first host at once, the second not before the Ctrl-C.
        process.arguments = ["scan", "127.29.1.1-127.29.1.3", "-p", "\(simulator.port)", "--no-store", "--quiet", "--rate", "0.02", "-o", output, "--seed", "3"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        while simulator.requestLog.totalConnections == 0 && process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(1500))
        let interrupted = ContinuousClock.now
        kill(process.processIdentifier, SIGINT)
        while process.isRunning && ContinuousClock.now - interrupted < .seconds(20) { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "still waiting for its rate slot 20 s after Ctrl-C")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        #expect(ContinuousClock.now - interrupted < .seconds(5))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 1)
        let checkpoint = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: output + ".checkpoint"))) as? [String: Any]
        #expect(checkpoint?["position"] as? Int == 1, "\(String(describing: checkpoint))")
    }

    @Test func aFailureNoCommandNamesExitsThreeNotOne() throws {
        // The demo's simulator cannot open its sockets with 64 descriptors: NIO's error reaches the top level.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-fail-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let demo = try ExScopeProcess.run(["demo", "--store", folder.appendingPathComponent("demo.sqlite").path], descriptorLimit: 64)
        #expect(demo.status == 3, "\(demo.stderr)")
        #expect(demo.stderr.hasPrefix("exscope: ") && demo.stderr.contains("Too many open files"), "\(demo.stderr)")
    }

    /// Scans 300 simulated hosts in a /23 (512 targets) once whole, then again stopped part-way by `stop`
    /// (given the scan's arguments, its output file and the whole run's), then resumed: the resumed output
    /// must hold every target once, with what the whole run concluded.
    private func stopAndResume(seed: UInt64, base: String, network: String,
                               stop: ([String], String, String) async throws -> Void) async throws {
        let simulator = try FleetSimulator(configuration: .init(hosts: 300, seed: seed, baseAddress: base, mix: .wellBehaved),
                                           catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["scan", network, "-p", "\(simulator.port)", "--seed", "5", "--all-statuses", "--quiet", "--no-store",
                      "--response-timeout", "4", "--host-timeout", "20"]

        let whole = folder.appendingPathComponent("whole.jsonl").path
        let reference = try ExScopeProcess.run(common + ["-o", whole])
        #expect(reference.status == 0, "\(reference.stderr)")

        let partial = folder.appendingPathComponent("partial.jsonl").path
        try await stop(common, partial, whole)
        #expect(FileManager.default.fileExists(atPath: partial + ".checkpoint"))

        let resumed = try ExScopeProcess.run(common + ["-o", partial, "--resume"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: partial + ".checkpoint"))
        let expected = try Self.comparable(whole)
        let got = try Self.comparable(partial)
        #expect(got.count == 512, "\(got.count) lines after resume")
        #expect(Set(got).count == got.count, "a target was written twice")
        let missing = Set(expected).subtracting(got), extra = Set(got).subtracting(expected)
        #expect(missing.isEmpty && extra.isEmpty,
                "\(missing.count) results missing, \(extra.count) differ from one uninterrupted run; e.g. \(missing.first?.prefix(300) ?? "") vs \(extra.first?.prefix(300) ?? "")")
    }

    /// Each line reduced to what a scan concludes: per-request values such as times or
    /// request ids differ between any two runs.
    static func comparable(_ path: String) throws -> [String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let exchange = object["exchange"] as? [String: Any]
            let findings = (object["findings"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? ""):\($0["status"] ?? "")" }
            let fields: [Any?] = [object["ip"], object["port"], object["status"], exchange?["detected"], exchange?["exchangeOnline"],
                                  object["build"], object["precision"], object["cu"], object["update"], findings.joined(separator: ",")]
            return fields.map { "\($0 ?? "-")" }.joined(separator: "|")
        }
    }
}
