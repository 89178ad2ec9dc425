// Small helpers for scanning attacker-controlled bytes. Every index is checked
// against the array bounds before use, so a bad length can at worst make a match
// fail, never read outside the input.

/// ASCII helpers over raw bytes.
enum ByteText {
    /// Whether `needle` occurs in `bytes` starting at `start`; ASCII case is ignored when asked.
    @inline(__always)
    static func matches(_ bytes: [UInt8], at start: Int, _ needle: [UInt8], ignoringCase: Bool = false) -> Bool {
        guard start >= 0, needle.count <= bytes.count, start <= bytes.count - needle.count else { return false }
        var i = 0
        if ignoringCase {
            while i < needle.count {
                if asciiLower(bytes[start + i]) != asciiLower(needle[i]) { return false }
                i += 1
            }
        } else {
            while i < needle.count {
                if bytes[start + i] != needle[i] { return false }
                i += 1
            }
        }
        return true
    }

    /// The first index of `needle` in `bytes` at or after `from`, or `nil`.
    static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from: Int = 0, ignoringCase: Bool = false) -> Int? {
        guard let first = needle.first, from >= 0, needle.count <= bytes.count else { return nil }
        let last = bytes.count - needle.count
        guard from <= last else { return nil }
        let lower = asciiLower(first)
        var i = from
        while i <= last {
            let b = bytes[i]
            if b == first || (ignoringCase && asciiLower(b) == lower),
               matches(bytes, at: i, needle, ignoringCase: ignoringCase) {
                return i
            }
            i += 1
        }
        return nil
    }

    /// A Horspool searcher: skips up to the needle's length per step, so a long needle
    /// is found in a fraction of one comparison per byte.
    struct Horspool {
        let needle: [UInt8]
        let ignoringCase: Bool
        private let shift: [Int]

        init(_ needle: String, ignoringCase: Bool = false) {
            self.needle = Array(needle.utf8)
            self.ignoringCase = ignoringCase
            var shift = [Int](repeating: self.needle.count, count: 256)
            for (j, byte) in self.needle.dropLast().enumerated() {
                shift[Int(byte)] = self.needle.count - 1 - j
                if ignoringCase {
                    let lower = asciiLower(byte)
                    shift[Int(lower)] = self.needle.count - 1 - j
                    if lower >= 0x61 && lower <= 0x7A { shift[Int(lower - 0x20)] = self.needle.count - 1 - j }
                }
            }
            self.shift = shift
        }

        /// The first index of the needle in `bytes` at or after `from`.
        func firstIndex(in bytes: [UInt8], from: Int = 0) -> Int? {
            let m = needle.count
            guard m > 0, from >= 0, m <= bytes.count else { return nil }
            var end = from + m - 1
            // `end` stays below bytes.count; `matches` checks its own bounds.
            while end < bytes.count {
                let last = bytes[end]
                if ByteText.matches(bytes, at: end - m + 1, needle, ignoringCase: ignoringCase) { return end - m + 1 }
                end += shift[Int(last)]
            }
            return nil
        }
    }

    /// Whether `needle` occurs anywhere in `text`, ignoring ASCII case.
    static func contains(_ text: String, _ needle: StaticString) -> Bool {
        let n = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard let first = n.first else { return true }
        var copy = text
        return copy.withUTF8 { t in
            guard n.count <= t.count else { return false }
            let lower = asciiLower(first)
            var i = 0
            while i <= t.count - n.count {
                if asciiLower(t[i]) == lower {
                    var k = 1
                    while k < n.count, asciiLower(t[i + k]) == asciiLower(n[k]) { k += 1 }
                    if k == n.count { return true }
                }
                i += 1
            }
            return false
        }
    }

    /// A printable, single-line, bounded rendering of untrusted bytes for reports and logs.
    static func printable(_ bytes: some Collection<UInt8>, limit: Int = 120) -> String {
        // Fast path: short printable ASCII is returned as is.
        if bytes.count <= limit, bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var scalars = String.UnicodeScalarView()
        var count = 0
        for byte in bytes {
            if count == limit {
                scalars.append("…")
                break
            }
            scalars.append(byte >= 0x20 && byte < 0x7F ? Unicode.Scalar(byte) : "?")
            count += 1
        }
        return String(scalars)
    }

    /// A printable, bounded rendering of an untrusted string.
    static func printable(_ text: String, limit: Int = 120) -> String {
        if text.utf8.count <= limit, text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            if count == limit {
                scalars.append("…")
                break
            }
            scalars.append(scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80..<0xA0).contains(scalar.value) ? scalar : "?")
            count += 1
        }
        return String(scalars)
    }

    /// Trims ASCII white space from both ends.
    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
        while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
        return slice
    }

    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    @inline(__always)
    static func isAlphaNumeric(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7A)
    }

    /// Whether every byte is a hostname-like character: letters, digits, `.`, `-`, `_`.
    static func isHostLike(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { isAlphaNumeric($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x5F }
    }

    /// Whether `text` ends with `suffix`, ignoring ASCII case.
    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        let t = text.utf8, s = suffix.utf8
        guard s.count <= t.count else { return false }
        return t.suffix(s.count).elementsEqual(s) { asciiLower($0) == asciiLower($1) }
    }

    /// Whether `text` starts with `prefix`, ignoring ASCII case.
    static func hasPrefix(_ text: String, _ prefix: String) -> Bool {
        let t = text.utf8, p = prefix.utf8
        guard p.count <= t.count else { return false }
        return t.prefix(p.count).elementsEqual(p) { asciiLower($0) == asciiLower($1) }
    }

    /// Parses a dotted version from ASCII bytes with the core parser.
    static func version(_ bytes: ArraySlice<UInt8>) -> VersionInput? {
        guard !bytes.isEmpty, bytes.count <= VersionInput.maximumLength else { return nil }
        return try? VersionInput(parsing: String(decoding: bytes, as: UTF8.self))
    }
}
