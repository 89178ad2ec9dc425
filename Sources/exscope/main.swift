import ExScopeCLI
import Foundation
import Logging

// The only place logging is configured: libraries take a Logger and default to no output.
// EXSCOPE_LOG_LEVEL=debug|info|notice|warning|error (default warning) sends log lines to standard error.
let level = ProcessInfo.processInfo.environment["EXSCOPE_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = level
    return handler
}

exit(await ExScope.run(arguments: Array(CommandLine.arguments.dropFirst())))
