/// One target as a user wrote it: an address, a block, a range or a host name,
/// optionally with a port.
public enum TargetSpec: Sendable, Hashable, CustomStringConvertible {
    /// Addresses; `port` overrides the scan's port list when given (`host:port`).
    case addresses(AddressBlock, port: Int?)
    /// A DNS name, resolved at scan time and sent as SNI and Host.
    case hostname(String, port: Int?)

    /// The most addresses one IPv6 block may hold: IPv6 space cannot be swept.
    public static let maximumIPv6BlockSize: UInt128 = 1 << 16

    /// Parses one target.
    ///
    /// Accepted: `192.0.2.7`, `192.0.2.0/24`, `192.0.2.10-192.0.2.20`, `2001:db8::1`,
    /// `2001:db8::/120`, `mail.example.com`, `mail.example.com:8443`, `192.0.2.7:443`,
    /// `[2001:db8::1]:443`.
    /// - Parameter sweepable: whether the block is to be scanned, so an IPv6 block may hold at most
    ///   ``maximumIPv6BlockSize`` addresses; false for exclusions, where any prefix (an opt-out's /32) is fine.
    /// - Throws: ``TargetError`` naming what is wrong.
    public init(parsing raw: some StringProtocol, sweepable: Bool = true) throws {
        let text = raw.trimmingASCIIWhitespace()
        guard !text.isEmpty else { throw TargetError("empty target") }
        guard text.count <= 300 else { throw TargetError("target is longer than 300 characters") }
        let shown = TargetError.printable(text)

        // [v6]:port
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), let address = IPAddress(text[text.index(after: text.startIndex)..<close]),
                  !address.isIPv4 else { throw TargetError("'\(shown)' is not a bracketed IPv6 address") }
            let rest = text[text.index(after: close)...]
            var port: Int?
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw TargetError("unexpected text after ']' in '\(shown)'") }
                port = try Self.port(rest.dropFirst(), in: shown)
            }
            self = .addresses(AddressBlock(first: address, count: 1), port: port)
            return
        }
        if let address = IPAddress(text) {
            self = .addresses(AddressBlock(first: address, count: 1), port: nil)
            return
        }
        if text.contains("/") {
            guard let block = AddressBlock(cidr: text) else {
                throw TargetError("'\(shown)' is not a CIDR block (address/prefix with the host bits zero, e.g. 192.0.2.0/24)")
            }
            if sweepable && !block.first.isIPv4 && block.count > Self.maximumIPv6BlockSize {
                throw TargetError("'\(shown)' holds more than \(Self.maximumIPv6BlockSize) IPv6 addresses; IPv6 space cannot be swept, list the hosts instead")
            }
            self = .addresses(block, port: nil)
            return
        }
        if text.contains("-"), !text.contains(where: { $0.isLetter }) || text.contains(":") {
            let ends = text.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count == 2, let low = IPAddress(ends[0]), let high = IPAddress(ends[1]), low.isIPv4 == high.isIPv4 else {
                throw TargetError("'\(shown)' is not an address range (first-last of one family, e.g. 192.0.2.10-192.0.2.20)")
            }
            guard low <= high else { throw TargetError("range '\(shown)' ends before it starts") }
            // The whole IPv6 space has one more address than UInt128 holds: UInt128.max stands for it, as in AddressBlock(cidr:).
            let span = high.value - low.value
            let count = span == UInt128.max ? span : span + 1
            if sweepable && !low.isIPv4 && count > Self.maximumIPv6BlockSize {
                throw TargetError("'\(shown)' holds more than \(Self.maximumIPv6BlockSize) IPv6 addresses")
            }
            self = .addresses(AddressBlock(first: low, count: count), port: nil)
            return
        }
        // host:port or address:port (one colon only: more colons would be IPv6).
        var host = text
        var port: Int?
        if let colon = text.lastIndex(of: ":"), text.firstIndex(of: ":") == colon {
            host = text[..<colon]
            port = try Self.port(text[text.index(after: colon)...], in: shown)
        }
        if let address = IPAddress(host) {
            self = .addresses(AddressBlock(first: address, count: 1), port: port)
            return
        }
        guard Self.isHostname(host) else {
            throw TargetError("'\(shown)' is not an address, CIDR block, range or host name")
        }
        self = .hostname(host.lowercased(), port: port)
    }

    private static func port(_ text: Substring, in shown: String) throws -> Int {
        guard !text.isEmpty, text.count <= 5, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(text), (1...65535).contains(port)
        else { throw TargetError("'\(shown)' has an invalid port (1-65535)") }
        return port
    }

    /// RFC 1123 host names: labels of letters, digits and hyphens, not starting or ending with a hyphen.
    static func isHostname(_ text: Substring) -> Bool {
        guard !text.isEmpty, text.utf8.count <= 253 else { return false }
        let labels = text.hasSuffix(".") ? text.dropLast().split(separator: ".", omittingEmptySubsequences: false)
            : text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.contains(where: { $0.contains(where: \.isLetter) }) else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) || $0 == 0x2D || $0 == 0x5F }
        }
    }

    public var description: String {
        switch self {
        case .addresses(let block, let port):
            guard let port else { return block.description }
            return block.first.isIPv4 ? "\(block):\(port)" : "[\(block)]:\(port)"
        case .hostname(let name, let port):
            return port.map { "\(name):\($0)" } ?? name
        }
    }
}

/// A target, port list or exclusion that cannot be used. One line, names the input.
public struct TargetError: Error, Hashable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }

    static func printable(_ text: some StringProtocol) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.prefix(80))).showingControlCharacters()
    }
}

extension StringProtocol {
    func trimmingASCIIWhitespace() -> Substring {
        var text = Substring(self)
        while let first = text.first, first == " " || first == "\t" || first == "\r" || first == "\n" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" || last == "\n" { text = text.dropLast() }
        return text
    }
}
