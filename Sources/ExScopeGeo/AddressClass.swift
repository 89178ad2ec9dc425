public import ExScopeCore

/// Address space that belongs to no country: reported as such, never as a country.
public enum AddressClass: String, Sendable, Hashable, CaseIterable {
    case loopback
    case `private`
    case linkLocal = "link-local"
    /// Shared (CGNAT), documentation, benchmarking, multicast and other reserved space.
    case reserved

    /// The class of `address`, or nil for public unicast space.
    public init?(_ address: IPAddress) {
        switch address {
        case .v4(let value):
            guard let found = Self.classify(v4: value) else { return nil }
            self = found
        case .v6(let value):
            // IPv4-mapped addresses are judged as IPv4.
            if value >> 32 == 0xFFFF { guard let found = Self.classify(v4: UInt32(truncatingIfNeeded: value)) else { return nil }; self = found; return }
            if value == 1 { self = .loopback; return }
            let top16 = UInt16(truncatingIfNeeded: value >> 112)
            if top16 & 0xFE00 == 0xFC00 { self = .private; return }
            if top16 & 0xFFC0 == 0xFE80 { self = .linkLocal; return }
            if top16 & 0xFF00 == 0xFF00 || value == 0 { self = .reserved; return }
            // 2001:db8::/32 documentation.
            if UInt32(truncatingIfNeeded: value >> 96) == 0x2001_0DB8 { self = .reserved; return }
            return nil
        }
    }

    private static func classify(v4 value: UInt32) -> AddressClass? {
        func within(_ base: UInt32, _ bits: UInt32) -> Bool { value >> (32 - bits) == base >> (32 - bits) }
        if within(0x7F00_0000, 8) { return .loopback }
        if within(0x0A00_0000, 8) || within(0xAC10_0000, 12) || within(0xC0A8_0000, 16) { return .private }
        if within(0xA9FE_0000, 16) { return .linkLocal }
        if within(0x0000_0000, 8) || within(0x6440_0000, 10) || within(0xC000_0200, 24) || within(0xC633_6400, 24)
            || within(0xCB00_7100, 24) || within(0xC612_0000, 15) || value >= 0xE000_0000 {
            return .reserved
        }
        return nil
    }

    /// How a report shows it, e.g. "private address space (not a country)".
    public var label: String {
        switch self {
        case .loopback: "loopback (not a country)"
        case .private: "private address space (not a country)"
        case .linkLocal: "link-local (not a country)"
        case .reserved: "reserved address space (not a country)"
        }
    }
}
