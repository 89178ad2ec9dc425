import Foundation
import Testing

/// Output that cannot be written ends the command with exit 3 and one line saying why, never with a crash.
@Suite struct TerminalOutputTests {
    /// Runs `exscope arguments` with standard output sent where `redirect` says (a shell redirection),
    /// SIGPIPE ignored as SwiftNIO leaves it in every command that opens a socket; returns the exit status and standard error.
    private func run(_ arguments: [String], stdout redirect: String) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        let exscope = ExScopeProcess.productsDirectory.appendingPathComponent("exscope").path
        process.arguments = ["-c", "trap '' PIPE; exec \"$0\" \"$@\" \(redirect)", exscope] + arguments
        let err = Pipe(), out = Pipe()
        process.standardError = err
        process.standardOutput = out
        // A reader that has gone before the first line: every write to the pipe fails with EPIPE.
        try out.fileHandleForReading.close()
        try process.run()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: errData, as: UTF8.self))
    }

    @Test func aReaderThatHasGoneIsAFailureWithItsReason() throws {
        let result = try run(["builds", "list"], stdout: "")
        #expect(result.status == 3)
        #expect(result.stderr == "exscope: cannot write to standard output: Broken pipe\n")
    }

    @Test func aFullDiskIsAFailureWithItsReason() throws {
        for arguments in [["builds", "list"], ["build", "15.2.1544.11", "--format", "json"]] {
            let result = try run(arguments, stdout: "> /dev/full")
            #expect(result.status == 3, "\(arguments)")
            #expect(result.stderr == "exscope: cannot write to standard output: No space left on device\n", "\(arguments)")
        }
    }

    /// A gate's verdict (exit 1) that could not be printed is not a verdict anyone saw.
    @Test func aGateWhoseOutputIsLostFails() throws {
        let printed = try ExScopeProcess.run(["build", "15.2.1258.39", "--as-of", "2026-11-27", "--fail-on", "vulnerable"])
        try #require(printed.status == 1, "\(printed.stderr)")
        let lost = try run(["build", "15.2.1258.39", "--as-of", "2026-11-27", "--fail-on", "vulnerable"], stdout: "> /dev/full")
        #expect(lost.status == 3)
    }
}
