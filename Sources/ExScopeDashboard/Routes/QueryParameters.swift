import ExScopeCore
import Hummingbird

/// Reads and validates query parameters. Every bad value becomes a 400 whose message names the
/// parameter and what it accepts; nothing here can crash on input.
struct QueryParameters {
    let values: [String: String]

    init(_ request: Request) throws {
        var values: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            guard value.utf8.count <= 2048 else { throw Self.bad("parameter '\(key)' is too long") }
            // An empty value means "not set", as an empty form field sends it.
            if !value.isEmpty { values[String(key)] = String(value) }
        }
        self.values = values
    }

    static func bad(_ message: String) -> HTTPError { HTTPError(.badRequest, message: message) }

    /// A free-text value (scan name, product, CU), bounded and without control characters.
    func text(_ name: String, maxLength: Int = 200) throws -> String? {
        guard let value = values[name] else { return nil }
        guard value.count <= maxLength, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw Self.bad("'\(name)' must be at most \(maxLength) characters without control characters")
        }
        return value
    }

    /// A finding id such as `CVE-2025-53786`, one of `known` when given.
    func finding(_ name: String = "finding", known: Set<String>?) throws -> String {
        guard let value = values[name] else { return "CVE-2025-53786" }
        guard (1...64).contains(value.utf8.count), value.utf8.allSatisfy(Self.isIDByte) else {
            throw Self.bad("'\(name)' must be a finding id such as CVE-2025-53786")
        }
        if let known, !known.contains(value) {
            throw Self.bad("'\(name)': unknown finding '\(value)'; the catalog has no such id (exscope builds vulns lists them)")
        }
        return value
    }

    func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let value = values[name] else { return nil }
        let digits = value.hasPrefix("AS") || value.hasPrefix("as") ? String(value.dropFirst(2)) : value
        guard digits.utf8.count <= 12, let number = Int(digits), range.contains(number) else {
            throw Self.bad("'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, _: T.Type) throws -> T? where T.RawValue == String {
        guard let value = values[name] else { return nil }
        guard let parsed = T(rawValue: value) else {
            throw Self.bad("'\(name)' must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return parsed
    }

    /// An ISO country code (`de` is read as `DE`) or `-` for hosts with no country.
    func country(_ name: String = "country") throws -> String? {
        guard let value = values[name] else { return nil }
        if value == "-" { return value }
        let upper = value.uppercased()
        guard upper.utf8.count == 2, upper.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) }) else {
            throw Self.bad("'\(name)' must be a two-letter country code such as DE, or - for none")
        }
        return upper
    }

    func cursor() throws -> String? {
        guard let value = values["cursor"] else { return nil }
        guard value.utf8.count <= 1024, value.utf8.allSatisfy({ Self.isIDByte($0) }) else {
            throw Self.bad("'cursor' is not valid; start again from the first page")
        }
        return value
    }

    private static func isIDByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            true
        default:
            false
        }
    }

    /// The hosts page's query.
    func hostQuery(knownFindings: Set<String>?) throws -> HostQuery {
        HostQuery(scan: try text("scan"), finding: try finding(known: knownFindings), status: try choice("status", FindingStatus.self),
                  country: try country(), asn: try integer("asn", in: 0...4_294_967_295), product: try text("product", maxLength: 100),
                  cu: try text("cu", maxLength: 40), minConfidence: try choice("confidence", HostProfile.Confidence.self),
                  anomaly: try choice("anomaly", HostProfile.Anomaly.Code.self), limit: try integer("limit", in: 1...500) ?? 50,
                  cursor: try cursor())
    }
}
