public import ExScopeCore
import Foundation

/// Country ranges in tor's `geoip`/`geoip6` format (`low,high,CC`: integers for IPv4,
/// IPv6 text for IPv6), as Debian's `tor-geoipdb` ships them from the IPFire Location
/// database; IPv4 may also be written a.b.c.d. Lookups are a binary search over sorted arrays.
public struct CountryRanges: Sendable {
    private var v4Low: [UInt32] = []
    private var v4High: [UInt32] = []
    private var v4Code: [UInt16] = []
    private var v6Low: [UInt128] = []
    private var v6High: [UInt128] = []
    private var v6Code: [UInt16] = []
    /// The export date the file's header gives (`# Generated: …`), when present.
    public private(set) var generated: String?
    /// Number of ranges loaded (IPv4, IPv6).
    public var counts: (v4: Int, v6: Int) { (v4Low.count, v6Low.count) }

    public init() {}

    /// Loads the files at `paths` (IPv4 and/or IPv6 files; the family is told by each line).
    /// - Throws: ``GeoError`` naming `file:line` for a malformed line or an unreadable file.
    public init(paths: [String]) throws {
        for path in paths {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw GeoError("cannot read country ranges \(path)")
            }
            try data.withUnsafeBytes { raw in try add(bytes: raw.bindMemory(to: UInt8.self), source: path) }
        }
        try finish()
    }

    /// Adds the lines of one file.
    /// - Throws: ``GeoError`` naming `source:line`.
    public mutating func add(text: String, source: String) throws {
        var copy = text
        try copy.withUTF8 { try add(bytes: $0, source: source) }
    }

    /// Adds the lines of one file given as bytes. IPv4 lines (integers) are parsed without
    /// allocating: tor's files have about 400,000 of them.
    public mutating func add(bytes: UnsafeBufferPointer<UInt8>, source: String) throws {
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var last = end
            if last > start && bytes[last - 1] == 0x0D { last -= 1 }
            defer { start = end + 1 }
            if last == start { continue }
            let line = UnsafeBufferPointer(rebasing: bytes[start..<last])
            if line[0] == UInt8(ascii: "#") {
                if generated == nil {
                    let text = String(decoding: line, as: UTF8.self)
                    if let range = text.range(of: "Generated:") {
                        generated = Self.isoDate(text[range.upperBound...].trimmingCharacters(in: .whitespaces))
                    }
                }
                continue
            }
            guard let firstComma = line.firstIndex(of: 0x2C),
                  let secondComma = line[(firstComma + 1)...].firstIndex(of: 0x2C),
                  line.count - secondComma - 1 == 2,
                  let code = Self.code(line[secondComma + 1], line[secondComma + 2])
            else {
                throw GeoError("\(source):\(lineNumber): expected 'low,high,CC'")
            }
            if let low = Self.number(line[..<firstComma]) ?? Self.dotted(line[..<firstComma]),
               let high = Self.number(line[(firstComma + 1)..<secondComma]) ?? Self.dotted(line[(firstComma + 1)..<secondComma]) {
                guard low <= high else { throw GeoError("\(source):\(lineNumber): low above high") }
                v4Low.append(low); v4High.append(high); v4Code.append(code)
                continue
            }
            guard let low = Self.v6(line[..<firstComma]), let high = Self.v6(line[(firstComma + 1)..<secondComma]) else {
                let text = String(decoding: line, as: UTF8.self)
                throw GeoError("\(source):\(lineNumber): '\(text.prefix(80))' is not a range (low,high,CC with IPv4 as integers or a.b.c.d, IPv6 as text)")
            }
            guard low <= high else { throw GeoError("\(source):\(lineNumber): low above high") }
            v6Low.append(low); v6High.append(high); v6Code.append(code)
        }
    }

    /// Plain IPv6 text (hex groups, at most one `::`, no embedded IPv4), or nil.
    private static func v6(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> UInt128? {
        var head: [UInt16] = [], tail: [UInt16] = []
        var compressed = false
        var group: UInt32 = 0, digits = 0
        var index = text.startIndex
        var previousColon = false
        // A leading colon is only allowed as the start of `::`.
        if text.first == 0x3A && (text.count < 2 || text[text.startIndex + 1] != 0x3A) { return nil }
        func finishGroup() -> Bool {
            guard digits > 0 else { return false }
            if compressed { tail.append(UInt16(group)) } else { head.append(UInt16(group)) }
            group = 0
            digits = 0
            return true
        }
        while index < text.endIndex {
            let byte = text[index]
            if byte == 0x3A {
                if previousColon {
                    guard !compressed else { return nil }
                    compressed = true
                } else if index != text.startIndex {
                    guard finishGroup() else { return nil }
                }
                previousColon = true
            } else {
                let value: UInt8
                switch byte {
                case 0x30...0x39: value = byte - 0x30
                case 0x61...0x66: value = byte - 0x61 + 10
                case 0x41...0x46: value = byte - 0x41 + 10
                default: return nil
                }
                guard digits < 4 else { return nil }
                group = group << 4 | UInt32(value)
                digits += 1
                previousColon = false
            }
            index += 1
        }
        if digits > 0 { _ = finishGroup() } else if !previousColon || !compressed { return nil }
        let count = head.count + tail.count
        guard compressed ? count < 8 : count == 8 else { return nil }
        let groups = head + Array(repeating: 0, count: 8 - count) + tail
        return groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }

    /// A dotted IPv4 address, which a range file written by hand may use instead of tor's integers.
    private static func dotted(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        guard case .v4(let value)? = IPAddress(String(decoding: text, as: UTF8.self)) else { return nil }
        return value
    }

    /// A decimal UInt32, or nil.
    private static func number(_ digits: Slice<UnsafeBufferPointer<UInt8>>) -> UInt32? {
        guard !digits.isEmpty, digits.count <= 10 else { return nil }
        var value: UInt64 = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value <= UInt64(UInt32.max) ? UInt32(value) : nil
    }

    /// Two upper-case letters packed, 0 for `??`, nil otherwise.
    private static func code(_ first: UInt8, _ second: UInt8) -> UInt16? {
        if first == 0x3F && second == 0x3F { return 0 }
        guard (0x41...0x5A).contains(first), (0x41...0x5A).contains(second) else { return nil }
        return UInt16(first) << 8 | UInt16(second)
    }

    /// Sorts the ranges (the files are sorted already; this makes hand-written ones safe).
    public mutating func finish() throws {
        func sort<T: Comparable>(_ low: inout [T], _ high: inout [T], _ code: inout [UInt16]) {
            // tor's files are sorted already; checking is linear, sorting is not.
            guard zip(low, low.dropFirst()).contains(where: { $0 > $1 }) else { return }
            let order = low.indices.sorted { low[$0] < low[$1] }
            low = order.map { low[$0] }; high = order.map { high[$0] }; code = order.map { code[$0] }
        }
        sort(&v4Low, &v4High, &v4Code)
        sort(&v6Low, &v6High, &v6Code)
    }

    /// The country code for an IPv4 address given as a number, or nil when no range holds it
    /// (or the range says `??`).
    @inlinable
    public func country(v4 value: UInt32) -> String? { Self.text(code(v4: value)) }

    /// The packed two-letter code (0 when unknown): the allocation-free path.
    public func code(v4 value: UInt32) -> UInt16 {
        let index = Self.search(v4Low, value)
        guard index >= 0, value <= v4High[index] else { return 0 }
        return v4Code[index]
    }

    /// The packed code for an IPv6 address.
    public func code(v6 value: UInt128) -> UInt16 {
        let index = Self.search(v6Low, value)
        guard index >= 0, value <= v6High[index] else { return 0 }
        return v6Code[index]
    }

    /// The country code for any address.
    public func country(_ address: IPAddress) -> String? {
        switch address {
        case .v4(let value): Self.text(code(v4: value))
        case .v6(let value): value >> 32 == 0xFFFF ? Self.text(code(v4: UInt32(truncatingIfNeeded: value))) : Self.text(code(v6: value))
        }
    }

    /// The index of the last range starting at or below `value`, or -1.
    @usableFromInline
    static func search<T: Comparable>(_ lows: [T], _ value: T) -> Int {
        lows.withUnsafeBufferPointer { buffer in
            var low = 0, high = buffer.count
            while low < high {
                let middle = (low + high) >> 1
                if buffer[middle] <= value { low = middle + 1 } else { high = middle }
            }
            return low - 1
        }
    }

    @usableFromInline
    static func text(_ code: UInt16) -> String? {
        guard code != 0 else { return nil }
        return String(decoding: [UInt8(code >> 8), UInt8(code & 0xFF)], as: UTF8.self)
    }

    /// `Thu, 25 Jun 2026 04:33:59 GMT` → `2026-06-25`.
    static func isoDate(_ text: String) -> String? {
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let parts = text.split(separator: " ")
        guard parts.count >= 4, let day = Int(parts[1]), let month = months.firstIndex(of: String(parts[2])), let year = Int(parts[3])
        else { return nil }
        return String(format: "%04d-%02d-%02d", year, month + 1, day)
    }
}
