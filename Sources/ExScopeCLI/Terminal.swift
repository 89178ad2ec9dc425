import ExScopeCore
import Foundation
import Synchronization

/// Standard output and error. No write here stops the process: Foundation's `FileHandle.write(_:)` traps
/// when the reader has gone, and once SwiftNIO has made a socket the whole process ignores SIGPIPE, so a
/// closed pipe (`exscope … | head`) comes back as an error instead of ending the process quietly.
/// A failed write to standard output is kept and turns the command's exit code into 3
/// (``ExScope/run(arguments:)``); one to standard error is dropped, as there is nowhere left to say so.
enum Terminal {
    /// Writes `exscope: message` to standard error, on one line.
    static func error(_ message: String, prefix: Bool = true) {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        _ = write(printable((prefix ? "exscope: " : "") + oneLine) + "\n", to: STDERR_FILENO)
    }

    /// Writes `text` and a newline to standard output.
    static func out(_ text: String) {
        output(text + "\n")
    }

    /// Writes `text` to standard output, control characters but newline and tab shown as `?`.
    static func output(_ text: String) {
        if let code = write(printable(text), to: STDOUT_FILENO) {
            outputFailure.withLock { if $0 == nil { $0 = code } }
        }
    }

    /// Writes a progress line (or a terminal control sequence) to standard error.
    static func progress(_ text: String) {
        _ = write(text, to: STDERR_FILENO)
    }

    /// `text` with every control character but newline and tab replaced by `?`. What ExScope prints
    /// carries names from servers, directories and audit logs: an escape sequence or carriage return in
    /// one must not move the cursor, recolour the terminal or write over a line ExScope printed.
    static func printable(_ text: String) -> String { text.showingControlCharacters(keeping: ["\n", "\t"]) }

    /// Why standard output refused a write (its `errno`), if it did; cleared by reading.
    static func takeOutputFailure() -> Int32? {
        outputFailure.withLock { failure in
            defer { failure = nil }
            return failure
        }
    }

    private static let outputFailure = Mutex<Int32?>(nil)

    /// Writes all of `text` to `descriptor`; returns `errno` when the descriptor refuses it.
    private static func write(_ text: String, to descriptor: Int32) -> Int32? {
        var text = text
        return text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += written
            }
            return nil
        }
    }

    /// Whether standard output is a terminal.
    static var stdoutIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    /// Whether standard error is a terminal.
    static var stderrIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
}
