public import ExScopeCore
import Foundation

/// Country ranges in tor's `geoip`/`geoip6` format (`low,high,CC`: integers for IPv4,
/// IPv6 text for IPv6), as Debian's `tor-geoipdb` ships them from the IPFire Location
/// database. Lookups are a binary search over sorted arrays.
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
            try add(text: String(decoding: data, as: UTF8.self), source: path)
        }
        try finish()
    }

    /// Adds the lines of one file.
    /// - Throws: ``GeoError`` naming `source:line`.
    public mutating func add(text: String, source: String) throws {
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.isEmpty { continue }
            if line.first == "#" {
                if generated == nil, let range = line.range(of: "Generated:") {
                    generated = Self.isoDate(line[range.upperBound...].trimmingCharacters(in: .whitespaces))
                }
                continue
            }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 3, let code = Self.code(fields[2]) else {
                throw GeoError("\(source):\(lineNumber): expected 'low,high,CC'")
            }
            if let low = UInt32(fields[0]), let high = UInt32(fields[1]) {
                guard low <= high else { throw GeoError("\(source):\(lineNumber): low above high") }
                v4Low.append(low); v4High.append(high); v4Code.append(code)
            } else if case .v6(let low)? = IPAddress(fields[0]), case .v6(let high)? = IPAddress(fields[1]) {
                guard low <= high else { throw GeoError("\(source):\(lineNumber): low above high") }
                v6Low.append(low); v6High.append(high); v6Code.append(code)
            } else {
                throw GeoError("\(source):\(lineNumber): '\(line.prefix(80))' is not a range")
            }
        }
    }

    /// Sorts the ranges (the files are sorted already; this makes hand-written ones safe).
    public mutating func finish() throws {
        func sort<T: Comparable>(_ low: inout [T], _ high: inout [T], _ code: inout [UInt16]) {
            let order = low.indices.sorted { low[$0] < low[$1] }
            guard order != Array(low.indices) else { return }
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

    static func code(_ field: Substring) -> UInt16? {
        let bytes = Array(field.utf8)
        guard bytes.count == 2 else { return nil }
        if bytes == [0x3F, 0x3F] { return 0 }  // "??": no country
        guard bytes.allSatisfy({ (0x41...0x5A).contains($0) }) else { return nil }
        return UInt16(bytes[0]) << 8 | UInt16(bytes[1])
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
