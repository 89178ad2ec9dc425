@testable import ExScopeCLI
import ExScopeCore
import ExScopeDashboard
import ExScopeStore
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
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("report.json").path, csv = dir.appendingPathComponent("report.csv").path
        let md = dir.appendingPathComponent("report.md").path
        let run = try Run.exscope(["assess", "--no-store", "--inventory", fixturePath("dedicated-app-shared-keys-remain.json"), "--out", json, "--out", csv, "--out", md]
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
        let run = try Run.exscope(["assess", "--no-store", "--inventory", fixturePath("fully-remediated.json"), "--format", "json"] + graphArguments(server),
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
        defer { try? FileManager.default.removeItem(atPath: backup) }
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

    @Test func assessSavesEachAssessmentAndTheDashboardShowsTheLatest() async throws {
        let secret = makeSecret()
        let env = ["EXSCOPE_TEST_SECRET": secret]
        // In a folder of its own: removing it removes SQLite's -wal and -shm files too.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-assess-store-\(UUID())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store.sqlite").path
        let before = try await MockGraphServer.start(.dedicatedAppSharedKeysRemain(secret: secret))
        let first = try Run.exscope(["assess", "--store", store, "--inventory", fixturePath("dedicated-app-shared-keys-remain.json")] + graphArguments(before),
                                    environment: env)
        await before.stop()
        #expect(first.status == 1, "\(first.stderr)")
        #expect(first.stderr.contains("assessment #1 saved in \(store)"))
        let after = try await MockGraphServer.start(.fullyRemediated(secret: secret))
        let second = try Run.exscope(["assess", "--store", store, "--inventory", fixturePath("fully-remediated.json"), "--format", "json"]
                                     + graphArguments(after).dropLast(2) + ["--now", "2026-11-28T12:00:00Z"], environment: env)
        await after.stop()
        #expect(second.status == 0, "\(second.stderr)")

        // What exscope serve shows: the latest assessment, the earlier one in its history.
        let source = try SQLiteStore(path: store)
        let printed = try JSONDecoder().decode(AssessmentReport.self, from: Data(second.stdout.utf8))
        #expect(try await source.latestAssessment()?.report == printed)
        let page = try #require(try await StoreDashboardSource.storedAssessment(source))
        #expect(page.title == "ED 25-02 for Contoso: \(printed.overall.rawValue)")
        #expect(page.generatedAt == "2026-11-28T12:00:00Z")
        #expect(page.items.contains { $0.scope == "organisation" && $0.action == ActionID.servicePrincipalCleanUp.title && $0.status == "done" })
        #expect(page.items.contains { $0.scope == "EX01" && $0.action == ActionID.latestCUAndHotfix.title })
        #expect(page.earlier.map(\.generatedAt) == ["2026-11-27T12:00:00Z"])
        #expect(page.earlier.first?.overall == "action-required")
        #expect((page.earlier.first?.counts["action-required"] ?? 0) >= 1)
        let data = try await StoreDashboardSource.load(source, catalog: catalog, asOf: CalendarDate(year: 2026, month: 11, day: 28)!, assessment: nil)
        #expect(try await data.assessment() == page)
        try await source.close()
        for text in [first.stderr, second.stderr] { #expect(!text.contains(secret)) }
    }

    @Test func aStoreThatCannotBeOpenedLosesNoOutput() throws {
        let inventory = ["--inventory", fixturePath("fully-remediated.json"), "--now", "2026-11-27T12:00:00Z", "--format", "json"]
        // Named with --store: the report is printed, then exit 3 with one line.
        let named = try Run.exscope(["assess", "--store", "/dev/null/exscope.sqlite"] + inventory)
        #expect(named.status == 3)
        #expect(named.stdout.contains("\"schema\" : \"exscope.assessment/1\""))
        #expect(named.stderr.split(separator: "\n").count == 1)
        #expect(named.stderr.contains("/dev/null/exscope.sqlite"))
        // The default store: a warning, and the report's own exit code.
        let fallback = try Run.exscope(["assess"] + inventory, environment: ["EXSCOPE_STORE": "/dev/null/exscope.sqlite"])
        #expect(fallback.status == 1 || fallback.status == 0)
        #expect(fallback.stdout.contains("\"schema\" : \"exscope.assessment/1\""))
        #expect(fallback.stderr.contains("not saving the assessment"))
    }

    @Test func huntReportsSignInsOfTheSharedPrincipalLiveAndFromAnExport() async throws {
        let secret = makeSecret()
        let suspicious = try await MockGraphServer.start(.foreignKey(secret: secret))
        let live = try Run.exscope(["hunt", "--since", "2025-04-01T00:00:00Z"] + graphArguments(suspicious).dropLast(2),
                                   environment: ["EXSCOPE_TEST_SECRET": secret])
        await suspicious.stop()
        #expect(live.status == 1, "\(live.stderr)")
        #expect(live.stdout.contains("3 audit event(s) and 2 sign-in(s) read; 4 finding(s)."))
        #expect(live.stdout.contains("shared-principal-sign-in  Service principal sign-in"))
        #expect(live.stdout.contains("credential: clientAssertion, key 9e7d5c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f"))

        let clean = try await MockGraphServer.start(.fullyRemediated(secret: secret))
        let quiet = try Run.exscope(["hunt", "--since", "2025-04-01T00:00:00Z", "--format", "json"] + graphArguments(clean).dropLast(2),
                                    environment: ["EXSCOPE_TEST_SECRET": secret])
        await clean.stop()
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stdout.isEmpty)

        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-signins-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{\"value\":[\(MockSignIns.dedicatedApp),\(MockSignIns.outlookOnTheWeb),\(MockSignIns.foreignKey)]}".utf8).write(to: file)
        let exported = try Run.exscope(["hunt", "--sign-in-file", file.path, "--format", "json"])
        #expect(exported.status == 1, "\(exported.stderr)")
        let lines = exported.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\"kind\":\"shared-principal-sign-in\"") == true)
        #expect(!exported.stdout.contains("ExchangeServerApp"))
    }

    @Test func huntWithoutAPremiumLicenceStillReportsTheAudits() async throws {
        let secret = makeSecret()
        var tenant = MockGraphTenant.foreignKey(secret: secret)
        tenant.behaviour.withoutPremiumLicence = true
        let server = try await MockGraphServer.start(tenant)
        let run = try Run.exscope(["hunt", "--since", "2025-04-01T00:00:00Z"] + graphArguments(server).dropLast(2),
                                  environment: ["EXSCOPE_TEST_SECRET": secret])
        await server.stop()
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.contains("sign-in logs not read"))
        #expect(run.stderr.contains("Entra ID P1 or P2"))
        #expect(!run.stderr.contains("AuditLog.Read.All"))
        #expect(run.stdout.contains("3 audit event(s) and 0 sign-in(s) read; 2 finding(s)."))
    }

    @Test func huntReadsAnExportFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-audits-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{\"value\":[\(MockAudits.foreignKeyAdded),\(MockAudits.dedicatedConsent)]}".utf8).write(to: file)
        let run = try Run.exscope(["hunt", "--audit-file", file.path])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("svc-sync@contoso.com from 203.0.113.8"))
        #expect(run.stdout.contains("key added: KeyIdentifier=9e7d5c3b"))
        #expect(!run.stdout.contains("full-access-consent"))
    }

    /// Plain http only to loopback itself: a host name that merely starts like one is refused before any traffic.
    @Test func plainHTTPEndpointsMustBeLoopbackAddresses() throws {
        for url in ["http://127.0.0.1:8080", "http://127.9.9.9", "http://localhost:1", "http://[::1]:8080"] {
            #expect(GraphOptions.isLoopbackHTTP(url), "\(url)")
        }
        for url in ["http://127.attacker.example", "http://localhost.attacker.example", "http://127.0.0.1.nip.io", "http://10.0.0.1", "ftp://127.0.0.1"] {
            #expect(!GraphOptions.isLoopbackHTTP(url), "\(url)")
            let run = try Run.exscope(["hunt", "--since", "2025-04-01T00:00:00Z", "--token-env", "HOME", "--graph-endpoint", url])
            #expect(run.status == 2, "\(url): \(run.stderr)")
            #expect(run.stderr.contains("must be https"), "\(run.stderr)")
        }
    }

    @Test func restoreTakesNoneOfTheCleanUpsOptions() throws {
        let run = try Run.exscope(["hybrid", "cleanup", "--restore", "keys.json", "--backup", "b.json", "--force", "--token-env", "HOME"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--restore puts the backup's keys back; it takes no --backup, --force"), "\(run.stderr)")
    }

    @Test func huntRefusesAWindowThatEndsBeforeItStarts() throws {
        let run = try Run.exscope(["hunt", "--audit-file", "/nonexistent", "--since", "2026-01-01T00:00:00Z", "--until", "2025-01-01T00:00:00Z"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--until 2025-01-01T00:00:00Z is before --since 2026-01-01T00:00:00Z"), "\(run.stderr)")
        let offset = try Run.exscope(["hunt", "--audit-file", "/nonexistent", "--since", "2026-01-01T00:00:00+99:99"])
        #expect(offset.status == 2)
    }

    /// Graph may return a key without its public part: the backup could not put it back, so --apply stops
    /// before writing the backup or sending anything, unless --force; a backup without public parts is refused.
    @Test func cleanupRefusesToRemoveKeysItCannotBackUp() async throws {
        let secret = makeSecret()
        var tenant = MockGraphTenant.dedicatedAppSharedKeysRemain(secret: secret)
        let keys = tenant.sharedPrincipal?.keyCredentials ?? []
        tenant.sharedPrincipal?.keyCredentials = keys.map { key in
            var key = key
            key.key = nil
            return key
        }
        let server = try await MockGraphServer.start(tenant)
        defer { Task { await server.stop() } }
        let env = ["EXSCOPE_TEST_SECRET": secret]
        let inventory = ["--inventory", fixturePath("dedicated-app-shared-keys-remain.json")]
        let backup = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-backup-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let dry = try Run.exscope(["hybrid", "cleanup"] + inventory + graphArguments(server), environment: env)
        #expect(dry.status == 1)
        #expect(dry.stderr.contains("without their public part"), "\(dry.stderr)")
        let refused = try Run.exscope(["hybrid", "cleanup", "--apply", "--backup", backup] + inventory + graphArguments(server), environment: env)
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("nothing was changed (pass --force to remove them anyway)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: backup))
        #expect(server.requests.allSatisfy { $0.method != "PATCH" })

        // A backup whose keys have no public part cannot restore anything: bad input, nothing sent.
        let empty = KeyBackup(principalId: tenant.sharedPrincipal?.id ?? "", appId: tenant.sharedPrincipal?.appId ?? "",
                              savedAt: testNow, keys: tenant.sharedPrincipal?.keyCredentials ?? [])
        try JSONEncoder().encode(empty).write(to: URL(fileURLWithPath: backup))
        let restore = try Run.exscope(["hybrid", "cleanup", "--restore", backup] + graphArguments(server), environment: env)
        #expect(restore.status == 2, "\(restore.stderr)")
        #expect(restore.stderr.contains("without their public part, which cannot be put back"), "\(restore.stderr)")
        // Another principal's backup is bad input too.
        let other = KeyBackup(principalId: "00000000-0000-0000-0000-00000000abcd", appId: "x", savedAt: testNow, keys: [MockGraphTenant.hybridKey])
        try JSONEncoder().encode(other).write(to: URL(fileURLWithPath: backup))
        let foreign = try Run.exscope(["hybrid", "cleanup", "--restore", backup] + graphArguments(server), environment: env)
        #expect(foreign.status == 2, "\(foreign.stderr)")
        #expect(server.requests.allSatisfy { $0.method != "PATCH" })
    }

    /// Names from audit logs reach the terminal without their control characters: an escape sequence or a
    /// carriage return cannot clear the screen or print over the findings.
    @Test func controlCharactersFromAuditLogsAreShownAsQuestionMarks() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-audits-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let hostile = MockAudits.foreignKeyAdded.replacingOccurrences(of: "svc-sync@contoso.com", with: #"svc\u001b[2J\rexscope: all clear"#)
        try Data("{\"value\":[\(hostile)]}".utf8).write(to: file)
        let run = try Run.exscope(["hunt", "--audit-file", file.path])
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stdout.contains("svc?[2J?exscope: all clear"), "\(run.stdout)")
        #expect(!run.stdout.contains("\u{1B}") && !run.stdout.contains("\r"))
        #expect(Terminal.printable("a\u{1B}b\u{9B}c\td\ne\u{7F}") == "a?b?c\td\ne?")
    }

    /// `--out` writes through a symbolic link or into a device instead of replacing it with a file.
    @Test func assessOutWritesThroughALinkAndRefusesAFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-out-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("target.md").path
        let link = folder.appendingPathComponent("link.md").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let inventory = ["--no-store", "--inventory", fixturePath("dedicated-app-shared-keys-remain.json")]
        let run = try Run.exscope(["assess"] + inventory + ["--out", link])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("ED 25-02"))
        let full = try Run.exscope(["assess"] + inventory + ["--out", "/dev/full"])
        #expect(full.status == 3, "\(full.stderr)")
        #expect(full.stderr.contains("cannot write /dev/full: no space left on device"), "\(full.stderr)")
        // A link to a SQLite database (a store) is refused like the database itself; the file is left as it was.
        let database = folder.appendingPathComponent("store.sqlite").path
        let header = Data("SQLite format 3\0".utf8) + Data(repeating: 7, count: 100)
        FileManager.default.createFile(atPath: database, contents: header)
        let toStore = folder.appendingPathComponent("to-store.md").path
        try FileManager.default.createSymbolicLink(atPath: toStore, withDestinationPath: database)
        let refused = try Run.exscope(["assess"] + inventory + ["--out", toStore])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("it is a SQLite database (a store?)"), "\(refused.stderr)")
        #expect(FileManager.default.contents(atPath: database) == header)
        let directory = try Run.exscope(["assess"] + inventory + ["--out", folder.path])
        #expect(directory.status == 2)
        #expect(directory.stderr.contains("it is a directory"), "\(directory.stderr)")
    }
}
