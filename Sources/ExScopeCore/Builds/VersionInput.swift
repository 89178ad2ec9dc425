/// How much of a build a piece of evidence pins down.
public enum Precision: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// The full four-part build: the exact update is known.
    case exact
    /// The CU is known, the update is not (three-part builds, AdminDisplayVersion).
    case cu
    /// Only the product is known.
    case product
    /// Nothing is known.
    case none

    private var rank: Int {
        switch self {
        case .exact: 3
        case .cu: 2
        case .product: 1
        case .none: 0
        }
    }

    /// Orders from least to most precise.
    public static func < (lhs: Precision, rhs: Precision) -> Bool { lhs.rank < rhs.rank }
}

/// A version string as a user or a server wrote it, parsed into a build and its precision.
///
/// Accepted forms:
/// - `15.2.1544.11` and zero-padded `15.02.1544.011`: exact;
/// - `15.2.1544`: the CU only;
/// - `15.2`: the product only;
/// - `Version 15.2 (Build 1544.4)`: Exchange's AdminDisplayVersion, which does not
///   move with security updates, so it gives the CU only.
public struct VersionInput: Sendable, Hashable {
    /// The written shape of the input.
    public enum Form: String, Sendable, Hashable {
        case fourPart, threePart, twoPart, adminDisplayVersion
    }

    /// The build; parts that were not given are zero.
    public var build: BuildNumber
    public var form: Form

    /// What the input can tell about the installed update.
    public var precision: Precision {
        switch form {
        case .fourPart: .exact
        case .threePart, .adminDisplayVersion: .cu
        case .twoPart: .product
        }
    }

    /// The longest input accepted; anything longer is not a version string.
    public static let maximumLength = 64
    /// Each numeric part may have at most this many digits (zero padding included).
    static let maximumDigits = 6

    public init(build: BuildNumber, form: Form) {
        self.build = build
        self.form = form
    }

    /// Parses one version string.
    /// - Throws: ``VersionParseError`` naming what is wrong.
    public init(parsing text: some StringProtocol) throws(VersionParseError) {
        var utf8 = Substring(text).utf8[...]
        guard utf8.count <= Self.maximumLength else {
            throw .tooLong(utf8.count)
        }
        // Trim ASCII white space on both ends.
        while let first = utf8.first, first == 0x20 || first == 0x09 { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A {
            utf8 = utf8.dropLast()
        }
        guard !utf8.isEmpty else { throw .empty }
        if utf8.first == UInt8(ascii: "V") || utf8.first == UInt8(ascii: "v") {
            self = try Self.parseAdminDisplayVersion(utf8)
            return
        }
        var parts: (Int, Int, Int, Int) = (0, 0, 0, 0)
        var count = 0
        var value = 0
        var digits = 0
        for byte in utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                digits += 1
                guard digits <= Self.maximumDigits else { throw .partTooLong }
                value = value * 10 + Int(byte &- 0x30)
            } else if byte == UInt8(ascii: ".") {
                guard digits > 0 else { throw .emptyPart }
                guard count < 3 else { throw .tooManyParts }
                Self.store(value, at: count, in: &parts)
                count += 1
                value = 0
                digits = 0
            } else {
                throw .unexpectedCharacter(Character(Unicode.Scalar(byte)))
            }
        }
        guard digits > 0 else { throw .emptyPart }
        Self.store(value, at: count, in: &parts)
        count += 1
        let form: Form
        switch count {
        case 4: form = .fourPart
        case 3: form = .threePart
        case 2: form = .twoPart
        default: throw .tooFewParts
        }
        self.init(build: BuildNumber(parts.0, parts.1, parts.2, parts.3), form: form)
    }

    private static func store(_ value: Int, at index: Int, in parts: inout (Int, Int, Int, Int)) {
        switch index {
        case 0: parts.0 = value
        case 1: parts.1 = value
        case 2: parts.2 = value
        default: parts.3 = value
        }
    }

    /// `Version 15.2 (Build 1544.4)`; white space between tokens is flexible.
    private static func parseAdminDisplayVersion(_ bytes: Substring.UTF8View.SubSequence) throws(VersionParseError) -> VersionInput {
        var scanner = ByteScanner(bytes)
        guard scanner.consumeWord("version"), scanner.skipSpaces() else { throw .malformedAdminDisplayVersion }
        guard let major = scanner.number(maxDigits: maximumDigits), scanner.consume(UInt8(ascii: ".")),
              let minor = scanner.number(maxDigits: maximumDigits)
        else { throw .malformedAdminDisplayVersion }
        _ = scanner.skipSpaces()
        guard scanner.consume(UInt8(ascii: "(")) else { throw .malformedAdminDisplayVersion }
        _ = scanner.skipSpaces()
        guard scanner.consumeWord("build"), scanner.skipSpaces(),
              let build = scanner.number(maxDigits: maximumDigits), scanner.consume(UInt8(ascii: ".")),
              let revision = scanner.number(maxDigits: maximumDigits)
        else { throw .malformedAdminDisplayVersion }
        _ = scanner.skipSpaces()
        guard scanner.consume(UInt8(ascii: ")")), scanner.isAtEnd else { throw .malformedAdminDisplayVersion }
        return VersionInput(build: BuildNumber(major, minor, build, revision), form: .adminDisplayVersion)
    }
}

/// Why a version string could not be read. Equality compares the code only.
public struct VersionParseError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case empty, tooLong, unexpectedCharacter, emptyPart, partTooLong, tooFewParts, tooManyParts
        case malformedAdminDisplayVersion
    }

    public let code: Code
    /// One sentence for a person.
    public let reason: String

    public var description: String { reason }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static let empty = Self(code: .empty, reason: "empty version string")
    static func tooLong(_ length: Int) -> Self {
        Self(code: .tooLong, reason: "version string is \(length) bytes long; at most \(VersionInput.maximumLength) are accepted")
    }
    static func unexpectedCharacter(_ character: Character) -> Self {
        let shown = character.isASCII && character.asciiValue.map { $0 >= 0x20 && $0 < 0x7F } == true
            ? "'\(character)'" : "a non-printable or non-ASCII byte"
        return Self(code: .unexpectedCharacter, reason: "unexpected \(shown) in version string; expected digits and dots like 15.2.1544.11")
    }
    static let emptyPart = Self(code: .emptyPart, reason: "version string has an empty part (two dots in a row, or a leading or trailing dot)")
    static let partTooLong = Self(code: .partTooLong, reason: "a part of the version string has more than \(VersionInput.maximumDigits) digits")
    static let tooFewParts = Self(code: .tooFewParts, reason: "version string needs at least major.minor, e.g. 15.2")
    static let tooManyParts = Self(code: .tooManyParts, reason: "version string has more than four parts")
    static let malformedAdminDisplayVersion = Self(
        code: .malformedAdminDisplayVersion,
        reason: "not a version number: expected 15.2.1544.11 or the form 'Version 15.2 (Build 1544.4)'"
    )
}

/// A cursor over ASCII bytes for the small hand-written parsers in this module.
struct ByteScanner {
    private var bytes: Substring.UTF8View.SubSequence

    init(_ bytes: Substring.UTF8View.SubSequence) { self.bytes = bytes }

    var isAtEnd: Bool { bytes.isEmpty }

    /// Skips spaces and tabs; returns whether any were skipped.
    mutating func skipSpaces() -> Bool {
        var skipped = false
        while let first = bytes.first, first == 0x20 || first == 0x09 {
            bytes = bytes.dropFirst()
            skipped = true
        }
        return skipped
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard bytes.first == byte else { return false }
        bytes = bytes.dropFirst()
        return true
    }

    /// Consumes `word` case-insensitively (ASCII letters only).
    mutating func consumeWord(_ word: StaticString) -> Bool {
        var rest = bytes
        var index = 0
        let pointer = word.utf8Start
        while index < word.utf8CodeUnitCount {
            guard let byte = rest.first, byte | 0x20 == pointer[index] | 0x20 else { return false }
            rest = rest.dropFirst()
            index += 1
        }
        bytes = rest
        return true
    }

    mutating func number(maxDigits: Int) -> Int? {
        var value = 0
        var digits = 0
        while let byte = bytes.first, byte >= 0x30 && byte <= 0x39 {
            digits += 1
            guard digits <= maxDigits else { return nil }
            value = value * 10 + Int(byte &- 0x30)
            bytes = bytes.dropFirst()
        }
        return digits > 0 ? value : nil
    }
}
