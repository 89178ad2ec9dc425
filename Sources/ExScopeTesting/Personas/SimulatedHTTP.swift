import ExScopeCore
import Foundation

/// One request as a persona sees it.
struct SimulatedRequest: Sendable {
    var method: String
    /// The request target as sent, e.g. `/owa/auth/logon.aspx?url=…`.
    var uri: String
    /// Header name/value pairs in order.
    var headers: [(String, String)]

    /// The path without query, lower-cased (IIS paths are case-insensitive), percent-decoding not applied.
    var path: String {
        let withoutQuery = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return withoutQuery.lowercased()
    }

    /// The first value of a header, by case-insensitive name.
    func header(_ name: String) -> String? {
        headers.first { asciiCaseInsensitiveEqual($0.0, name) }?.1
    }

    /// The Host header without port, or nil.
    var hostName: String? {
        guard let host = header("Host"), !host.isEmpty else { return nil }
        if host.hasPrefix("[") { return String(host.prefix { $0 != "]" }) + "]" }
        return String(host.split(separator: ":", maxSplits: 1).first ?? Substring(host))
    }
}

/// One response a persona sends.
struct SimulatedResponse: Sendable {
    var status: Int
    var reason: String
    var headers: [(String, String)]
    var body: [UInt8]

    init(status: Int, reason: String, headers: [(String, String)], body: [UInt8] = []) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    init(status: Int, reason: String, headers: [(String, String)], text: String) {
        self.init(status: status, reason: reason, headers: headers, body: Array(text.utf8))
    }
}

/// RFC 9110 IMF-fixdate, e.g. `Sun, 06 Nov 1994 08:49:37 GMT`, without Foundation formatters
/// (they are slow and locale-dependent).
enum HTTPDate {
    private static let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func string(_ date: Date = Date()) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let dayNumber = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - dayNumber * 86_400
        let (year, month, day) = civil(fromDays: dayNumber)
        let weekday = days[((dayNumber % 7) + 7) % 7]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) GMT"
    }

    /// Howard Hinnant's days-to-civil algorithm.
    private static func civil(fromDays days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// A small deterministic generator (SplitMix64) so a seed always gives the same fleet.
struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension RandomNumberGenerator {
    /// `count` lower-case hex digits, sixteen from each draw.
    mutating func hex(_ count: Int) -> String {
        var digits: [UInt8] = []
        digits.reserveCapacity(count)
        var bits: UInt64 = 0
        for index in 0..<count {
            if index % 16 == 0 { bits = next() }
            digits.append(Hex.digits[Int(bits & 15)])
            bits >>= 4
        }
        return String(decoding: digits, as: UTF8.self)
    }

    /// A random RFC 4122 version-4 UUID in lower case.
    mutating func uuid() -> String {
        let digits = Array(hex(30).utf8)
        let variant = ["8", "9", "a", "b"][Int(next() & 3)]
        // 8-4-4-4-12 digits: the version 4 starts the third group, the variant the fourth.
        func part(_ range: Range<Int>) -> String { String(decoding: digits[range], as: UTF8.self) }
        return [part(0..<8), part(8..<12), "4" + part(12..<15), variant + part(15..<18), part(18..<30)].joined(separator: "-")
    }
}

/// A generator for per-response values such as request ids: seeded from the system once per
/// response, not a system call per draw.
func responseGenerator() -> SeededGenerator { SeededGenerator(seed: .random(in: .min ... .max)) }
