import Foundation

/// Standard output and error, line by line.
enum Terminal {
    /// Writes `exscope: message` to standard error, on one line.
    static func error(_ message: String, prefix: Bool = true) {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data(((prefix ? "exscope: " : "") + oneLine + "\n").utf8))
    }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Whether standard output is a terminal.
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Whether standard error is a terminal.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
}
