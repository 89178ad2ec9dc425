/// An instant in UTC, kept as whole seconds since 1970-01-01T00:00:00Z.
///
/// Graph and the inventory write ISO 8601 strings (`2028-03-14T10:12:00Z`, often with
/// fractional seconds or an offset). ExScope compares instants only to the second, and
/// the core never reads the clock: "now" is always passed in as a `Timestamp`.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Seconds since the Unix epoch.
    public var secondsSinceEpoch: Int64

    /// Creates an instant from seconds since the Unix epoch.
    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, or a bare `YYYY-MM-DD` (midnight UTC).
    /// A missing zone is read as UTC (PowerShell's `o` format without `Kind` writes none).
    /// - Returns: `nil` for anything else.
    public init?(iso8601 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, bytes.count <= 40 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == 0x2D, let month = number(5, 2), bytes[7] == 0x2D,
              let day = number(8, 2), let date = CalendarDate(year: year, month: month, day: day)
        else { return nil }
        var seconds = Int64(Timestamp.daysSinceEpoch(date)) * 86_400
        if bytes.count == 10 {
            self.init(secondsSinceEpoch: seconds)
            return
        }
        guard bytes[10] == 0x54 || bytes[10] == 0x20, let hour = number(11, 2), bytes.count > 13, bytes[13] == 0x3A,
              let minute = number(14, 2), hour < 24, minute < 60 else { return nil }
        var index = 16
        var second = 0
        if index < bytes.count, bytes[index] == 0x3A {
            guard let parsed = number(index + 1, 2), parsed < 61 else { return nil }
            second = parsed
            index += 3
        }
        if index < bytes.count, bytes[index] == 0x2E {
            index += 1
            let start = index
            while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 { index += 1 }
            guard index > start else { return nil }
        }
        seconds += Int64(hour * 3600 + minute * 60 + second)
        if index == bytes.count {
            self.init(secondsSinceEpoch: seconds)
            return
        }
        if bytes[index] == 0x5A, index + 1 == bytes.count {
            self.init(secondsSinceEpoch: seconds)
            return
        }
        guard bytes[index] == 0x2B || bytes[index] == 0x2D, index + 6 == bytes.count,
              let offsetHours = number(index + 1, 2), bytes[index + 3] == 0x3A, let offsetMinutes = number(index + 4, 2),
              offsetHours < 24, offsetMinutes < 60
        else { return nil }
        let offset = Int64(offsetHours * 3600 + offsetMinutes * 60)
        seconds += bytes[index] == 0x2B ? -offset : offset
        self.init(secondsSinceEpoch: seconds)
    }

    /// The UTC day this instant falls on.
    public var date: CalendarDate {
        let days = Int(floorDiv(secondsSinceEpoch, 86_400))
        // Civil-from-days (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return CalendarDate(year: year, month: month, day: day) ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var description: String {
        let secondsOfDay = Int(secondsSinceEpoch - floorDiv(secondsSinceEpoch, 86_400) * 86_400)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(date)T\(two(secondsOfDay / 3600)):\(two(secondsOfDay / 60 % 60)):\(two(secondsOfDay % 60))Z"
    }

    /// This instant moved by whole days.
    public func adding(days: Int) -> Timestamp { Timestamp(secondsSinceEpoch: secondsSinceEpoch + Int64(days) * 86_400) }

    /// Whole days from `self` to `other` (negative when `other` is earlier), rounded down.
    public func days(until other: Timestamp) -> Int { Int(floorDiv(other.secondsSinceEpoch - secondsSinceEpoch, 86_400)) }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Timestamp(iso8601: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text.prefix(40))' is not an ISO 8601 date-time"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysSinceEpoch(_ date: CalendarDate) -> Int {
        let y = date.month <= 2 ? date.year - 1 : date.year
        let m = date.month
        let d = date.day ?? 1
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
