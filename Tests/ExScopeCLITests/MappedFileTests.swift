@testable import ExScopeCLI
import Foundation
import Testing

@Suite struct MappedFileTests {
    /// Standard input is read to its end into one buffer, grown as it fills (here from 16 bytes).
    @Test func aPipeIsReadToItsEndWhateverTheStartingCapacity() throws {
        let text = (0..<10_000).map { "line \($0)" }.joined(separator: "\n")
        let pipe = Pipe()
        let writer = Thread {
            pipe.fileHandleForWriting.write(Data(text.utf8))
            try? pipe.fileHandleForWriting.close()
        }
        writer.start()
        let file = try MappedFile(readingToEnd: pipe.fileHandleForReading.fileDescriptor, name: "a pipe", capacity: 16)
        withExtendedLifetime(file) { #expect(String(decoding: file.bytes, as: UTF8.self) == text) }
        let copied = MappedFile(copying: "é\n")
        withExtendedLifetime(copied) { #expect(copied.bytes.elementsEqual("é\n".utf8)) }
    }

    @Test func anUnreadableDescriptorIsABadInputNamingIt() {
        #expect {
            _ = try MappedFile(readingToEnd: -1, name: "standard input")
        } throws: { error in
            (error as? ExScopeFailure)?.message.hasPrefix("cannot read standard input: ") == true
                && (error as? ExScopeFailure)?.exitCode == .badInput
        }
    }

    @Test func aDirectoryIsABadInputNamingIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-mapped-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect {
            _ = try MappedFile(path: folder.path)
        } throws: { error in
            (error as? ExScopeFailure)?.message == "cannot read \(folder.path): it is a directory"
                && (error as? ExScopeFailure)?.exitCode == .badInput
        }
    }

    /// A named pipe (what `<(zcat scan.jsonl.gz)` gives) cannot be mapped: it is read to its end.
    @Test func aNamedPipeIsReadToItsEnd() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-fifo-\(UUID().uuidString)").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let text = (0..<20_000).map { "line \($0)" }.joined(separator: "\n")
        let writer = Thread {
            guard let handle = FileHandle(forWritingAtPath: fifo) else { return }
            handle.write(Data(text.utf8))
            try? handle.close()
        }
        writer.start()
        let file = try MappedFile(path: fifo)
        withExtendedLifetime(file) { #expect(String(decoding: file.bytes, as: UTF8.self) == text) }
    }

    @Test func importReadsStandardInput() throws {
        let (fixture, first, _) = try StoreWorkflowTests.scans()
        defer { fixture.remove() }
        let imported = try ExScopeProcess.run(["import", "-", "--scan-name", "piped", "--store", fixture.store, "--geoip-ranges", fixture.rangeFile.path],
                                              stdin: try String(contentsOf: first, encoding: .utf8))
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stderr.contains("imported 12 results from - into scan 'piped'"))
        // The same through a path that is a pipe, as `exscope import <(zcat …)` gives.
        let throughPath = try ExScopeProcess.run(["import", "/dev/stdin", "--scan-name", "piped", "--store", fixture.store,
                                                  "--geoip-ranges", fixture.rangeFile.path], stdin: try String(contentsOf: first, encoding: .utf8))
        #expect(throughPath.status == 0, "\(throughPath.stderr)")
        #expect(throughPath.stderr.contains("imported 12 results from /dev/stdin into scan 'piped'"))
        let report = try ExScopeProcess.run(["report", "--by", "country", "--format", "json", "--min-confidence", "low", "--store", fixture.store])
        #expect(try report.jsonLines().first?["total"] as? Int == 12)
    }

    /// `serve --input` reads scan files through the same check as `import`: a byte order mark is left out,
    /// and a compressed file is named with the command to read it.
    @Test func theDashboardsScanFilesSkipAByteOrderMarkAndNameACompressedFile() throws {
        let (fixture, first, _) = try StoreWorkflowTests.scans()
        defer { fixture.remove() }
        let text = try Data(contentsOf: first)
        let marked = fixture.folder.appendingPathComponent("marked.jsonl")
        try Data([0xEF, 0xBB, 0xBF] + Array(text)).write(to: marked)
        let records = try DashboardInputOptions.records(marked.path)
        #expect(records.count == 12)
        #expect(records.map(\.ip) == (try DashboardInputOptions.records(first.path)).map(\.ip))
        let compressed = fixture.folder.appendingPathComponent("scan.jsonl.zst")
        try Data([0x28, 0xB5, 0x2F, 0xFD] + Array(text)).write(to: compressed)
        #expect {
            _ = try DashboardInputOptions.records(compressed.path)
        } throws: { error in
            (error as? ExScopeFailure)?.message == "\(compressed.path) is zstd-compressed, not JSON Lines; decompress it first, "
                + "e.g. exscope serve --input <(zstdcat \(compressed.path))"
                && (error as? ExScopeFailure)?.exitCode == .badInput
        }
    }
}
