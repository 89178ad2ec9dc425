/// Addresses a scan must not contact.
///
/// Two kinds of reserved space are built in, after ZMap's default blocklist and
/// RFC 6890: blocks that are **never** scanned (unspecified, multicast, reserved,
/// broadcast, documentation), and blocks scanned **only when named explicitly**
/// (private, shared, link-local, loopback, benchmarking): a target that lies
/// wholly inside such a block was named on purpose; a wider sweep skips it.
/// User exclusions (`--exclude-file`) always win.
public struct ExclusionList: Sendable {
    public struct Entry: Sendable, Hashable {
        public let block: AddressBlock
        public let reason: String
    }

    public private(set) var never: [Entry]
    public private(set) var onlyWhenNamed: [Entry]
    public private(set) var user: [Entry] = []

    /// The built-in lists.
    public static let standard = ExclusionList()

    public init() {
        func entries(_ list: [(String, String)]) -> [Entry] {
            list.compactMap { cidr, reason in AddressBlock(cidr: cidr).map { Entry(block: $0, reason: reason) } }
        }
        never = entries([
            ("0.0.0.0/8", "RFC 1122 'this network'"),
            ("192.0.0.0/24", "RFC 6890 IETF protocol assignments"),
            ("192.0.2.0/24", "RFC 5737 documentation"),
            ("192.88.99.0/24", "RFC 7526 deprecated 6to4 relay"),
            ("198.51.100.0/24", "RFC 5737 documentation"),
            ("203.0.113.0/24", "RFC 5737 documentation"),
            ("224.0.0.0/4", "RFC 5771 multicast"),
            ("240.0.0.0/4", "RFC 1112 reserved"),
            ("255.255.255.255/32", "RFC 919 limited broadcast"),
            ("::/128", "RFC 4291 unspecified"),
            ("::ffff:0:0/96", "RFC 4291 IPv4-mapped"),
            ("100::/64", "RFC 6666 discard-only"),
            ("2001:db8::/32", "RFC 3849 documentation"),
            ("ff00::/8", "RFC 4291 multicast"),
        ])
        onlyWhenNamed = entries([
            ("10.0.0.0/8", "RFC 1918 private"),
            ("100.64.0.0/10", "RFC 6598 shared address space"),
            ("127.0.0.0/8", "RFC 1122 loopback"),
            ("169.254.0.0/16", "RFC 3927 link-local"),
            ("172.16.0.0/12", "RFC 1918 private"),
            ("192.168.0.0/16", "RFC 1918 private"),
            ("198.18.0.0/15", "RFC 2544 benchmarking"),
            ("::1/128", "RFC 4291 loopback"),
            ("fc00::/7", "RFC 4193 unique local"),
            ("fe80::/10", "RFC 4291 link-local"),
        ])
    }

    /// Reads an exclusion file: one address, CIDR block or range a line; `#` starts a comment.
    /// - Throws: ``TargetError`` naming the line.
    public mutating func addUserExclusions(_ text: String, source: String) throws {
        for (number, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = (rawLine.firstIndex(of: "#").map { rawLine[..<$0] } ?? rawLine[...]).trimmingASCIIWhitespace()
            if line.isEmpty { continue }
            let spec: TargetSpec
            do {
                spec = try TargetSpec(parsing: line, sweepable: false)
            } catch {
                throw TargetError("\(source):\(number + 1): \((error as? TargetError)?.reason ?? "\(error)")")
            }
            guard case .addresses(let block, nil) = spec else {
                throw TargetError("\(source):\(number + 1): exclusions are addresses, CIDR blocks or ranges, not '\(TargetError.printable(line))'")
            }
            user.append(Entry(block: block, reason: "excluded by \(source)"))
        }
        user = Self.merged(user)
    }

    /// Sorts entries and merges overlapping or adjacent ones, so lookups can binary-search.
    static func merged(_ entries: [Entry]) -> [Entry] {
        let sorted = entries.sorted { ($0.block.first, $0.block.count) < ($1.block.first, $1.block.count) }
        var out: [Entry] = []
        for entry in sorted {
            if let last = out.last, last.block.first.isIPv4 == entry.block.first.isIPv4,
               entry.block.first.value <= last.block.last.value &+ 1, last.block.last.value != UInt128.max {
                let end = max(last.block.last.value, entry.block.last.value)
                out[out.count - 1] = Entry(block: AddressBlock(first: last.block.first, count: end - last.block.first.value + 1), reason: last.reason)
            } else {
                out.append(entry)
            }
        }
        return out
    }

    /// Binary search in merged, sorted entries.
    static func find(_ address: IPAddress, in entries: [Entry]) -> Entry? {
        var low = 0, high = entries.count
        while low < high {
            let mid = (low + high) / 2
            if entries[mid].block.first <= address { low = mid + 1 } else { high = mid }
        }
        guard low > 0, entries[low - 1].block.contains(address) else { return nil }
        return entries[low - 1]
    }

    /// Why `address` must not be contacted, or `nil` when it may be.
    ///
    /// - Parameter named: the block the user named that contains the address; it
    ///   unlocks the only-when-named space when it lies wholly inside it.
    public func exclusion(for address: IPAddress, named: AddressBlock) -> String? {
        if let entry = Self.find(address, in: user) { return entry.reason }
        for entry in never where entry.block.contains(address) { return entry.reason }
        for entry in onlyWhenNamed where entry.block.contains(address) {
            return entry.block.contains(named) ? nil : entry.reason + " (scanned only when named explicitly)"
        }
        return nil
    }

    /// Whether some address of `block` may be excluded, so that each must be checked.
    func mayExclude(within block: AddressBlock) -> Bool {
        never.contains { $0.block.overlaps(block) } || onlyWhenNamed.contains { $0.block.overlaps(block) }
            || user.contains { $0.block.overlaps(block) }
    }
}
