/// A day in the proleptic Gregorian calendar, without a time or a time zone.
///
/// ExScope compares release and lifecycle dates, never instants, so a plain
/// year-month-day value is all it needs. Some old updates are known only to the
/// month; those carry `day == nil` and sort as the first of their month.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    /// The day of the month, or `nil` when only the month is known.
    public let day: Int?

    /// Creates a date after checking that the month and day exist.
    /// - Returns: `nil` when the month or day is out of range.
    public init?(year: Int, month: Int, day: Int?) {
        guard (1...9999).contains(year), (1...12).contains(month) else { return nil }
        if let day {
            guard day >= 1, day <= CalendarDate.daysIn(month: month, year: year) else { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses `YYYY-MM-DD`, or `YYYY-MM` when only the month is known.
    public init?(parsing text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
              parts[0].count == 4, parts[1].count == 2,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }),
              let year = Int(parts[0]), let month = Int(parts[1])
        else { return nil }
        var day: Int?
        if parts.count == 3 {
            guard parts[2].count == 2, let parsed = Int(parts[2]) else { return nil }
            day = parsed
        }
        self.init(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`, or `YYYY-MM` when the day is unknown.
    public var description: String {
        let y = String(year), m = month < 10 ? "0\(month)" : "\(month)"
        let head = String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + m
        guard let day else { return head }
        return head + (day < 10 ? "-0\(day)" : "-\(day)")
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day ?? 1) < (rhs.year, rhs.month, rhs.day ?? 1)
    }

    // A month-only date orders as the first of its month, so it also equals it.
    public static func == (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day ?? 1) == (rhs.year, rhs.month, rhs.day ?? 1)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(year)
        hasher.combine(month)
        hasher.combine(day ?? 1)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

extension Character {
    var isASCIIDigit: Bool { asciiValue.map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
}
