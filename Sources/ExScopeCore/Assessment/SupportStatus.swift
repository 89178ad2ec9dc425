/// Where a build stands in Microsoft's support lifecycle on a given date.
public enum SupportStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The product and the CU are supported.
    case supported
    /// The product is past its end of support, but this CU is covered by a paid
    /// Extended Security Update period, which brings security fixes only.
    case extendedSecurityUpdates = "extended-security-updates"
    /// The product gets no more updates. Wins over every other status.
    case endOfLife = "end-of-life"
    /// The product is supported but this CU no longer is.
    case outdatedCU = "outdated-cu"
    /// Not enough is known (the CU is unknown and the product is still supported).
    case unknown
}

/// The support status with its explanation.
public struct SupportVerdict: Sendable, Hashable, Codable {
    public var status: SupportStatus
    /// The product's end of (extended) support, if it has a fixed date.
    public var endOfSupport: CalendarDate?
    /// One or two sentences with the advice.
    public var reason: String
}

extension CalendarDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CalendarDate(parsing: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a YYYY-MM-DD date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
