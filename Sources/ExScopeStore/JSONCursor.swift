import Foundation

/// A strict, allocation-light JSON reader over one line's bytes: it validates everything it
/// passes over and materialises only the values asked for. Import uses it instead of a full
/// decoder because a scan line carries kilobytes of evidence and reasons the store keeps as text.
struct JSONCursor {
    struct Failure: Error {
        let reason: String
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0
    private var depth = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// An object's key, matched against literals by its bytes (`case "ip":`) without making a string:
    /// a scan line has dozens of keys, and comparing them as strings case by case was about a fifteenth of decoding.
    struct Key {
        /// The key's bytes in the line, when it has no escapes.
        private let raw: UnsafeBufferPointer<UInt8>
        /// The key decoded, when it has escapes.
        private let decoded: String?

        fileprivate init(raw: UnsafeBufferPointer<UInt8>, decoded: String?) {
            self.raw = raw
            self.decoded = decoded
        }

        /// The key as text, for messages.
        var text: String { decoded ?? String(decoding: raw, as: UTF8.self) }

        static func ~= (pattern: StaticString, key: Key) -> Bool {
            if let decoded = key.decoded { return decoded == pattern.description }
            guard key.raw.count == pattern.utf8CodeUnitCount else { return false }
            // No base address: an empty key, equal to the empty pattern.
            return key.raw.baseAddress.map { memcmp($0, pattern.utf8Start, key.raw.count) == 0 } ?? true
        }
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    /// Moves past `count` bytes the caller has already checked.
    mutating func advance(by count: Int) {
        index += count
    }

    mutating func skipSpace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipSpace()
        guard current == byte else { throw Failure(reason: "not valid JSON") }
        index += 1
    }

    /// Whether the next value is `null` (consumed if so).
    mutating func consumeNull() throws -> Bool {
        skipSpace()
        guard current == UInt8(ascii: "n") else { return false }
        try literal("null")
        return true
    }

    private mutating func literal(_ text: StaticString) throws {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw Failure(reason: "not valid JSON") }
        let start = text.utf8Start
        for offset in 0..<count where bytes[index + offset] != start[offset] { throw Failure(reason: "not valid JSON") }
        index += count
    }

    /// Reads an object, calling `body` with each key; `body` must read or skip the value.
    mutating func object(_ body: (inout JSONCursor, Key) throws -> Void) throws {
        try expect(UInt8(ascii: "{"))
        depth += 1
        guard depth < 64 else { throw Failure(reason: "nested too deeply") }
        skipSpace()
        if current == UInt8(ascii: "}") { index += 1; depth -= 1; return }
        while true {
            let key = try key()
            try expect(UInt8(ascii: ":"))
            try body(&self, key)
            skipSpace()
            guard let next = current else { throw Failure(reason: "not valid JSON") }
            index += 1
            if next == UInt8(ascii: "}") { break }
            guard next == UInt8(ascii: ",") else { throw Failure(reason: "not valid JSON") }
        }
        depth -= 1
    }

    /// Reads an array, calling `body` for each element.
    mutating func array(_ body: (inout JSONCursor) throws -> Void) throws {
        try expect(UInt8(ascii: "["))
        depth += 1
        guard depth < 64 else { throw Failure(reason: "nested too deeply") }
        skipSpace()
        if current == UInt8(ascii: "]") { index += 1; depth -= 1; return }
        while true {
            try body(&self)
            skipSpace()
            guard let next = current else { throw Failure(reason: "not valid JSON") }
            index += 1
            if next == UInt8(ascii: "]") { break }
            guard next == UInt8(ascii: ",") else { throw Failure(reason: "not valid JSON") }
        }
        depth -= 1
    }

    /// Reads a string, decoding escapes.
    mutating func string() throws -> String {
        let (raw, escaped) = try rawString()
        return escaped ? try Self.unescape(raw) : String(decoding: raw, as: UTF8.self)
    }

    private mutating func key() throws -> Key {
        let (raw, escaped) = try rawString()
        return Key(raw: raw, decoded: escaped ? try Self.unescape(raw) : nil)
    }

    /// Reads a string's bytes as they are in the line, and whether they have escapes.
    private mutating func rawString() throws -> (UnsafeBufferPointer<UInt8>, escaped: Bool) {
        skipSpace()
        guard current == UInt8(ascii: "\"") else { throw Failure(reason: "expected a string") }
        index += 1
        let start = index
        var escaped = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                return (raw, escaped)
            }
            if byte == UInt8(ascii: "\\") { escaped = true; index += 2; continue }
            guard byte >= 0x20 else { throw Failure(reason: "not valid JSON") }
            index += 1
        }
        throw Failure(reason: "not valid JSON")
    }

    mutating func optionalString() throws -> String? {
        try consumeNull() ? nil : try string()
    }

    mutating func bool() throws -> Bool {
        skipSpace()
        if current == UInt8(ascii: "t") { try literal("true"); return true }
        if current == UInt8(ascii: "f") { try literal("false"); return false }
        throw Failure(reason: "expected true or false")
    }

    mutating func integer() throws -> Int {
        skipSpace()
        let start = index
        if current == UInt8(ascii: "-") { index += 1 }
        var value = 0
        var digits = 0
        while let byte = current, byte >= 0x30 && byte <= 0x39 {
            guard digits < 18 else { throw Failure(reason: "number too large") }
            value = value * 10 + Int(byte - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0 else { throw Failure(reason: "expected a number") }
        if let byte = current, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            throw Failure(reason: "expected an integer")
        }
        return bytes[start] == UInt8(ascii: "-") ? -value : value
    }

    /// Skips any value, validating it.
    mutating func skip() throws {
        skipSpace()
        guard let byte = current else { throw Failure(reason: "not valid JSON") }
        switch byte {
        case UInt8(ascii: "{"): try object { cursor, _ in try cursor.skip() }
        case UInt8(ascii: "["): try array { cursor in try cursor.skip() }
        case UInt8(ascii: "\""): _ = try skipString()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        default: try skipNumber()
        }
    }

    private mutating func skipString() throws {
        index += 1
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") { index += 1; return }
            if byte == UInt8(ascii: "\\") { index += 2; continue }
            guard byte >= 0x20 else { throw Failure(reason: "not valid JSON") }
            index += 1
        }
        throw Failure(reason: "not valid JSON")
    }

    private mutating func skipNumber() throws {
        let start = index
        while let byte = current, (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") { index += 1 }
        guard index > start else { throw Failure(reason: "not valid JSON") }
    }

    /// Only white space may follow the value.
    mutating func end() throws {
        skipSpace()
        guard index == bytes.count else { throw Failure(reason: "not valid JSON (text after the object)") }
    }

    private static func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> String {
        var scalars = String.UnicodeScalarView()
        var utf8: [UInt8] = []
        var index = 0
        func flush() {
            if !utf8.isEmpty { scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars); utf8.removeAll() }
        }
        func hex4(_ at: Int) throws -> UInt32 {
            guard at + 4 <= raw.count else { throw Failure(reason: "bad escape") }
            var value: UInt32 = 0
            for offset in 0..<4 {
                let byte = raw[at + offset]
                let digit: UInt8
                switch byte {
                case 0x30...0x39: digit = byte - 0x30
                case 0x41...0x46: digit = byte - 0x41 + 10
                case 0x61...0x66: digit = byte - 0x61 + 10
                default: throw Failure(reason: "bad escape")
                }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\") else { utf8.append(byte); index += 1; continue }
            guard index + 1 < raw.count else { throw Failure(reason: "bad escape") }
            let kind = raw[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "\""): utf8.append(0x22)
            case UInt8(ascii: "\\"): utf8.append(0x5C)
            case UInt8(ascii: "/"): utf8.append(0x2F)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var value = try hex4(index)
                index += 4
                if (0xD800...0xDBFF).contains(value), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") {
                    let low = try hex4(index + 2)
                    if (0xDC00...0xDFFF).contains(low) {
                        value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                flush()
                scalars.append(Unicode.Scalar(value) ?? "\u{FFFD}")
            default:
                throw Failure(reason: "bad escape")
            }
        }
        flush()
        return String(scalars)
    }
}
