/// Why one piece of server evidence could not be read.
///
/// Every fingerprint parser throws this type. The ``code`` is a closed set that is
/// safe for metrics and JSON; the ``reason`` is free text for logs and report
/// detail. Equality and hashing compare the code only, so tests can write
/// `#expect(throws: FingerprintError.truncated())`.
public struct FingerprintError: Error, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        /// The input ended inside a field.
        case truncated
        /// The input is longer than the parser accepts.
        case limitExceeded = "limit-exceeded"
        /// The bytes are not in the expected format.
        case unexpectedFormat = "unexpected-format"
        /// An offset or length points outside the message.
        case invalidOffset = "invalid-offset"
        /// The input is well formed but holds nothing this parser looks for.
        case notFound = "not-found"
        /// The input has no content.
        case empty
    }

    public let code: Code
    /// One sentence for a person. May quote a few sanitized bytes of the input.
    public let reason: String
    /// Where the error was raised, for logs.
    public let file: String
    public let line: UInt

    public var description: String { "FingerprintError.\(code.rawValue): \(reason) (\(file):\(line))" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// The input ended inside a field.
    public static func truncated(_ reason: String = "input ended inside a field", file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .truncated, reason: reason, file: file, line: line)
    }

    /// The input is larger than allowed.
    public static func limitExceeded(_ reason: String = "input too large", file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .limitExceeded, reason: reason, file: file, line: line)
    }

    /// The bytes are not what the parser expects.
    public static func unexpectedFormat(_ reason: String = "unexpected format", file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .unexpectedFormat, reason: reason, file: file, line: line)
    }

    /// An offset or length field points outside the message.
    public static func invalidOffset(_ reason: String = "offset or length outside the message", file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .invalidOffset, reason: reason, file: file, line: line)
    }

    /// Nothing the parser looks for is present.
    public static func notFound(_ reason: String = "nothing to parse", file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .notFound, reason: reason, file: file, line: line)
    }

    /// The input is empty.
    public static func empty(_ reason: String = "empty input", file: String = #fileID, line: UInt = #line) -> Self {
        Self(code: .empty, reason: reason, file: file, line: line)
    }
}
