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
    ])
    func badTargetsAreRejectedBeforeAnyTraffic(_ arguments: [String], _ fragment: String) throws {
        let result = try ExScopeProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(fragment), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
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
        let simulator = try FleetSimulator(configuration: .init(hosts: 300, seed: 21, baseAddress: "127.27.0.1", mix: .wellBehaved),
                                           catalog: try Catalog.bundled())
        try await simulator.start()
        defer { Task { try? await simulator.stop() } }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-resume-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let common = ["scan", "127.27.0.0/23", "-p", "\(simulator.port)", "--seed", "5", "--all-statuses", "--quiet", "--no-store",
                      "--response-timeout", "4", "--host-timeout", "20"]

        let whole = folder.appendingPathComponent("whole.jsonl").path
        let reference = try ExScopeProcess.run(common + ["-o", whole])
        #expect(reference.status == 0, "\(reference.stderr)")

        // A slow run (rate-limited), killed with SIGKILL after its first checkpoints.
        let partial = folder.appendingPathComponent("partial.jsonl").path
        let process = Process()
        process.executableURL = ExScopeProcess.productsDirectory.appendingPathComponent("exscope")
        process.arguments = common + ["-o", partial, "--rate", "120"]
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(2500))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
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
