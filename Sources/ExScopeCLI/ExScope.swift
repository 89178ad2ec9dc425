public import ArgumentParser
import ExScopeCore
import Foundation

/// The `exscope` command.
public struct ExScope: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "exscope",
        abstract: "Find Microsoft Exchange servers exposed to CVE-2025-53786 and other Exchange flaws, and prove the fix.",
        discussion: """
            Exit codes: 0 success; 1 the run worked and found something that needs action (gates); \
            2 bad usage or bad input; 3 a failure during the run.
            """,
        version: ExScopeVersion.current,
        subcommands: [ScanCommand.self, BuildCommand.self, BuildsCommand.self, ImportCommand.self, ReportCommand.self,
                      ScansCommand.self, ReassessCommand.self, NotifyCommand.self, DiffCommand.self, HistoryCommand.self,
                      ServeCommand.self, DemoCommand.self, AssessCommand.self, HybridCommand.self, HuntCommand.self]
    )

    public init() {}

    /// Runs the command line and returns the process exit code. Every error becomes
    /// one line on standard error with the documented exit code.
    public static func run(arguments: [String]) async -> Int32 {
        let code = await runCommand(arguments: arguments)
        // What the command printed is part of its result: a run whose output could not be written failed.
        if let failure = Terminal.takeOutputFailure(), code == 0 || code == ExitCode.needsAction.rawValue {
            Terminal.error("cannot write to standard output: \(String(cString: strerror(failure)))")
            return ExitCode.runFailure.rawValue
        }
        return code
    }

    private static func runCommand(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as ExScopeFailure {
            Terminal.error(error.message)
            return error.exitCode.rawValue
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Terminal.out(message) }
                return 0
            }
            Terminal.error(message.isEmpty ? "\(error)" : message)
            // ArgumentParser uses 64 for usage errors; ExScope's contract says 2. Any other error is a failure
            // during the run (3): ArgumentParser's 1 would read as "found something that needs action".
            if code == .validationFailure || error is ValidationError { return ExitCode.badInput.rawValue }
            return code == .failure ? ExitCode.runFailure.rawValue : code.rawValue
        }
    }
}

/// ExScope's exit codes.
extension ExitCode {
    /// The run worked and found something that needs action.
    public static let needsAction = ExitCode(1)
    /// Bad usage or bad input.
    public static let badInput = ExitCode(2)
    /// A failure during the run.
    public static let runFailure = ExitCode(3)
}

/// An error with its message and exit code, printed as one line.
public struct ExScopeFailure: Error, CustomStringConvertible {
    public var message: String
    public var exitCode: ExitCode

    public init(_ message: String, exitCode: ExitCode) {
        self.message = message
        self.exitCode = exitCode
    }

    public static func badInput(_ message: String) -> Self { Self(message, exitCode: .badInput) }
    public static func runFailure(_ message: String) -> Self { Self(message, exitCode: .runFailure) }

    public var description: String { message }
}

enum ExScopeVersion {
    static let current = "0.1.0"
}
