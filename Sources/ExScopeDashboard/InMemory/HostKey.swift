import ExScopeCore

/// A host's identity within a scan and its place in the hosts table's order:
/// addresses numerically (IPv4 before IPv6), then records with only a host name, then the port.
struct HostKey: Hashable, Comparable, Sendable {
    enum Address: Hashable, Comparable, Sendable {
        case ip(IPAddress)
        case name(String)
    }

    var address: Address
    var port: Int

    init(address text: String, port: Int) {
        self.address = IPAddress(text).map(Address.ip) ?? .name(text)
        self.port = port
    }

    init(record: ScanRecord) {
        self.init(address: record.ip ?? record.hostname ?? "", port: record.port)
    }

    static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.address == rhs.address ? lhs.port < rhs.port : lhs.address < rhs.address
    }

    var addressText: String {
        switch address {
        case .ip(let ip): ip.description
        case .name(let name): name
        }
    }

    /// The cursor handed out for this key: `address|port`, hex-encoded so it survives any query string.
    var cursor: String {
        Array("\(addressText)|\(port)".utf8).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    /// Parses a cursor made by ``cursor``; `nil` when it is not one.
    init?(cursor: String) {
        guard cursor.utf8.count % 2 == 0, cursor.utf8.count <= 1024 else { return nil }
        var bytes: [UInt8] = []
        var iterator = cursor.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = Self.nibble(high), let l = Self.nibble(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        guard let text = String(validating: bytes, as: UTF8.self), let bar = text.lastIndex(of: "|"),
              let port = Int(text[text.index(after: bar)...]), (0...65535).contains(port) else { return nil }
        self.init(address: String(text[..<bar]), port: port)
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
