/// A contiguous run of addresses of one family: a CIDR block or a range.
public struct AddressBlock: Sendable, Hashable, CustomStringConvertible {
    public let first: IPAddress
    /// The number of addresses, at least 1.
    public let count: UInt128

    public init(first: IPAddress, count: UInt128) {
        self.first = first
        self.count = count
    }

    /// Parses `a.b.c.d/nn` or `x::/nn`; host bits must be zero.
    public init?(cidr text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let address = IPAddress(parts[0]), parts[1].count <= 3,
              parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let length = Int(parts[1]),
              length >= 0, length <= address.bitWidth
        else { return nil }
        let hostBits = address.bitWidth - length
        let size: UInt128 = hostBits == 128 ? UInt128.max : (UInt128(1) << UInt128(hostBits))
        guard hostBits == 0 || address.value & (size &- 1) == 0 else { return nil }
        self.init(first: address, count: size)
    }

    /// The last address of the block.
    public var last: IPAddress { first.advanced(by: count &- 1) }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.isIPv4 == first.isIPv4 else { return false }
        return address.value >= first.value && address.value - first.value < count
    }

    /// Whether every address of `other` is in this block.
    public func contains(_ other: AddressBlock) -> Bool {
        contains(other.first) && contains(other.last)
    }

    public func overlaps(_ other: AddressBlock) -> Bool {
        guard first.isIPv4 == other.first.isIPv4 else { return false }
        return first.value <= other.last.value && other.first.value <= last.value
    }

    public subscript(offset: UInt128) -> IPAddress { first.advanced(by: offset) }

    public var description: String {
        if count == 1 { return first.description }
        // A power-of-two aligned block prints as CIDR, anything else as a range.
        if count.nonzeroBitCount == 1 || count == UInt128.max {
            let hostBits = count == UInt128.max ? 128 : count.trailingZeroBitCount
            if first.value & (count &- 1) == 0 { return "\(first)/\(first.bitWidth - hostBits)" }
        }
        return "\(first)-\(last)"
    }
}
