import Foundation
import Testing

/// `exscope demo`, the README's main job, end to end through the built binary.
@Suite(.serialized) struct DemoCommandTests {
    @Test func twoDemosIntoOneStoreScanTheSameTargetsAndDiffToNothing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-demo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("store.sqlite").path, report = folder.appendingPathComponent("report.html").path
        var ports: [String] = []
        for _ in 0..<2 {
            let demo = try ExScopeProcess.run(["demo", "--hosts", "120", "--store", store, "--report", report])
            #expect(demo.status == 0, "\(demo.stderr)")
            #expect(demo.stdout.contains("ExScope demo: 120 simulated hosts scanned"), "\(demo.stdout)")
            ports += demo.stderr.split(separator: "\n").compactMap { $0.split(separator: " port ").last.map(String.init) }
                .filter { $0.allSatisfy(\.isNumber) }
        }
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("CVE-2025-53786"))
        // Both demos on one port: the same targets, so the second diffs to no change.
        #expect(ports.count == 2 && ports[0] == ports[1], "\(ports)")
        let scans = try ExScopeProcess.run(["scans", "--store", store])
        let demos = scans.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first }.filter { $0.hasPrefix("demo-") }.map(String.init)
        #expect(demos.count == 2, "\(scans.stdout)")
        #expect(scans.stdout.contains("synthetic-shadowserver-2025-08"))
        guard demos.count == 2 else { return }
        let diff = try ExScopeProcess.run(["diff", demos[0], demos[1], "--store", store])
        #expect(diff.status == 0, "\(diff.stderr)")
        #expect(diff.stdout.contains("newly exposed 0, newly fixed 0, gone 0, build changes 0"), "\(diff.stdout)")
    }
}
