import ExScopeCore
import ExScopeTesting
import Foundation
import Testing

/// Runs the built binary against the mock Graph server.
struct Run {
    var status: Int32
    var stdout: String
    var stderr: String

    static let binary: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url = url.deletingLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("exscope").path) { return url.appendingPathComponent("exscope") }
        }
        fatalError("cannot find the built exscope binary")
    }()

    static func exscope(_ arguments: [String], environment: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

@Suite struct OrganisationCommandTests {
    func graphArguments(_ server: MockGraphServer) -> [String] {
        ["--tenant", MockGraphTenant.defaultTenantId, "--client-id", MockGraphTenant.defaultClientId, "--client-secret-env", "EXSCOPE_TEST_SECRET",
         "--login-endpoint", server.baseURL, "--graph-endpoint", server.baseURL, "--now", "2026-11-27T12:00:00Z"]
    }

    @Test func assessWritesEveryFormatAndGatesOnActions() async throws {
        let secret = makeSecret()
        let server = try await MockGraphServer.start(.dedicatedAppSharedKeysRemain(secret: secret))
        defer { Task { await server.stop() } }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-assess-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let json = dir.appendingPathComponent("report.json").path, csv = dir.appendingPathComponent("report.csv").path
        let md = dir.appendingPathComponent("report.md").path
        let run = try Run.exscope(["assess", "--inventory", fixturePath("dedicated-app-shared-keys-remain.json"), "--out", json, "--out", csv, "--out", md]
                                  + graphArguments(server), environment: ["EXSCOPE_TEST_SECRET": secret])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("service-principal-clean-up"))
        #expect(run.stdout.contains("WARNING"))
        let report = try JSONDecoder().decode(AssessmentReport.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        #expect(report.schema == "exscope.assessment/1")
        #expect(report.action(.servicePrincipalCleanUp)?.status == .actionRequired)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(rows.first == "action,basis,server,status,evidence,next")
        #expect(rows.contains { $0.hasPrefix("\"latest-cu-and-hotfix\"") && $0.contains("\"EX02\"") })
        #expect(try String(contentsOfFile: md, encoding: .utf8).contains("| Action | Basis | Status |"))
        // Nothing the run printed or wrote contains the secret or a token.
        let written = try [json, csv, md].map { try String(contentsOfFile: $0, encoding: .utf8) }.joined()
        for text in [run.stdout, run.stderr, written] {
            #expect(!text.contains(secret))
            for token in server.issuedTokens { #expect(!text.contains(token)) }
        }
    }

    @Test func fullyRemediatedExitsZero() async throws {
        let secret = makeSecret()
        let server = try await MockGraphServer.start(.fullyRemediated(secret: secret))
        defer { Task { await server.stop() } }
        let run = try Run.exscope(["assess", "--inventory", fixturePath("fully-remediated.json"), "--format", "json"] + graphArguments(server),
                                  environment: ["EXSCOPE_TEST_SECRET": secret])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("\"needsAction\" : false"))
    }

    @Test func wrongSecretIsOneLineExitThreeWithoutTheSecret() async throws {
        let server = try await MockGraphServer.start(.neverHybrid(secret: makeSecret()))
        defer { Task { await server.stop() } }
        let wrong = makeSecret()
        let run = try Run.exscope(["assess"] + graphArguments(server), environment: ["EXSCOPE_TEST_SECRET": wrong])
        #expect(run.status == 3)
        #expect(run.stderr.split(separator: "\n").count == 1)
        #expect(run.stderr.contains("AADSTS7000215"))
        #expect(!run.stderr.contains(wrong) && !run.stdout.contains(wrong))
    }

    @Test func cleanupDryRunThenApplyThenNoOp() async throws {
        let secret = makeSecret()
        let server = try await MockGraphServer.start(.dedicatedAppSharedKeysRemain(secret: secret))
        defer { Task { await server.stop() } }
        let env = ["EXSCOPE_TEST_SECRET": secret]
        let inventory = ["--inventory", fixturePath("dedicated-app-shared-keys-remain.json")]
        let dry = try Run.exscope(["hybrid", "cleanup"] + inventory + graphArguments(server), environment: env)
        #expect(dry.status == 1, "\(dry.stderr)")
        #expect(dry.stdout.contains("Would remove 1 key(s)"))
        #expect(dry.stdout.contains(MockGraphTenant.currentAuthThumbprint))
        #expect(server.sharedPrincipal?.keyCredentials.count == 1)
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-backup-\(UUID()).json").path
        let applied = try Run.exscope(["hybrid", "cleanup", "--apply", "--backup", backup] + inventory + graphArguments(server), environment: env)
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Verified"))
        #expect(server.sharedPrincipal?.keyCredentials.isEmpty == true)
        let saved = try JSONDecoder().decode(KeyBackup.self, from: Data(contentsOf: URL(fileURLWithPath: backup)))
        #expect(saved.keys.first?.key == MockGraphTenant.hybridKey.key)
        let again = try Run.exscope(["hybrid", "cleanup", "--apply"] + inventory + graphArguments(server), environment: env)
        #expect(again.status == 0)
        #expect(again.stdout.contains("already clean"))
        let restored = try Run.exscope(["hybrid", "cleanup", "--restore", backup] + graphArguments(server), environment: env)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(server.sharedPrincipal?.keyCredentials.count == 1)
        for text in [dry.stdout, dry.stderr, applied.stdout, applied.stderr, try String(contentsOfFile: backup, encoding: .utf8)] {
            #expect(!text.contains(secret))
        }
    }

    @Test func cleanupRefusesWhileAServerIsBelowTheHotfix() async throws {
        let secret = makeSecret()
        let server = try await MockGraphServer.start(.hybridNothingDone(secret: secret))
        defer { Task { await server.stop() } }
        let run = try Run.exscope(["hybrid", "cleanup", "--apply", "--inventory", fixturePath("hybrid-nothing-done.json")] + graphArguments(server),
                                  environment: ["EXSCOPE_TEST_SECRET": secret])
        #expect(run.status == 1)
        #expect(run.stderr.contains("--force"))
        #expect(server.requests.allSatisfy { $0.method != "PATCH" })
        #expect(server.sharedPrincipal?.keyCredentials.count == 2)
    }

    @Test func huntReadsAnExportFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-audits-\(UUID()).json")
        try Data("{\"value\":[\(MockAudits.foreignKeyAdded),\(MockAudits.dedicatedConsent)]}".utf8).write(to: file)
        let run = try Run.exscope(["hunt", "--audit-file", file.path])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("svc-sync@contoso.com from 203.0.113.8"))
        #expect(run.stdout.contains("key added: KeyIdentifier=9e7d5c3b"))
        #expect(!run.stdout.contains("full-access-consent"))
    }
}
