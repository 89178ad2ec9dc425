/// An NTLM `CHALLENGE_MESSAGE` (Type 2) decoded per [MS-NLMP] §2.2.1.2.
///
/// Servers send it base64-encoded in `WWW-Authenticate: NTLM <blob>` (or `Negotiate`)
/// after an unauthenticated Type 1. It names the server (NetBIOS and DNS computer,
/// domain and tree names) and its Windows build. Every offset and length in the
/// message is checked against the message size before the bytes are read.
public struct NTLMChallenge: Sendable, Hashable {
    /// The largest message accepted (real ones are a few hundred bytes).
    public static let maximumLength = 8 * 1024
    /// At most this many AV pairs are read.
    public static let maximumAVPairs = 64

    /// The Windows version in the message's `VERSION` field.
    public struct WindowsVersion: Sendable, Hashable, Codable, CustomStringConvertible {
        public let major: Int
        public let minor: Int
        public let build: Int
        /// The NTLM revision (15 for NTLMv2-capable systems).
        public let ntlmRevision: Int
        /// `major.minor.build`, e.g. `10.0.17763`.
        public var description: String { "\(major).\(minor).\(build)" }
    }

    public let flags: UInt32
    /// The 8-byte server challenge, as 16 lowercase hex digits.
    public let serverChallenge: String
    /// The target name (usually the NetBIOS domain), when present.
    public let targetName: String?
    /// AV pair 1.
    public let netBIOSComputerName: String?
    /// AV pair 2.
    public let netBIOSDomainName: String?
    /// AV pair 3.
    public let dnsComputerName: String?
    /// AV pair 4.
    public let dnsDomainName: String?
    /// AV pair 5.
    public let dnsTreeName: String?
    /// AV pair 7: the server time as a FILETIME (100 ns ticks since 1601-01-01 UTC).
    public let timestamp: UInt64?
    /// The version field, present when `NTLMSSP_NEGOTIATE_VERSION` is set.
    public let version: WindowsVersion?

    /// `NTLMSSP_NEGOTIATE_UNICODE`: strings in the header payload are UTF-16LE.
    static let negotiateUnicode: UInt32 = 0x0000_0001
    /// `NTLMSSP_NEGOTIATE_VERSION`.
    static let negotiateVersion: UInt32 = 0x0200_0000
    static let signature: [UInt8] = Array("NTLMSSP".utf8) + [0]

    /// The day of ``timestamp`` (UTC), when present and plausible.
    public var timestampDate: CalendarDate? {
        guard let timestamp else { return nil }
        let days = Int(timestamp / 864_000_000_000)
        return CalendarDate.fromDaysSince1601(days)
    }

    /// Decodes the base64 text of a `WWW-Authenticate: NTLM <blob>` challenge.
    /// - Throws: ``FingerprintError`` for bad base64 or a bad message.
    public init(base64 text: some StringProtocol) throws(FingerprintError) {
        let utf8 = Array(text.utf8)
        guard utf8.count <= Base64.encodedLength(Self.maximumLength) else {
            throw .limitExceeded("NTLM challenge is \(utf8.count) base64 bytes")
        }
        try self.init(parsing: try Base64.decode(utf8))
    }

    /// Decodes a raw challenge message.
    /// - Throws: ``FingerprintError`` `.empty`, `.limitExceeded`, `.truncated` (shorter than the
    ///   fixed header), `.unexpectedFormat` (signature or type), `.invalidOffset` (a field outside
    ///   the message or inside the header), and AV-pair errors.
    public init(parsing bytes: [UInt8]) throws(FingerprintError) {
        guard !bytes.isEmpty else { throw .empty("NTLM message is empty") }
        guard bytes.count <= Self.maximumLength else { throw .limitExceeded("NTLM message is \(bytes.count) bytes") }
        let message = bytes[...]
        var reader = LittleEndianReader(message)
        guard let signature = reader.bytes(8) else { throw .truncated("NTLM message shorter than its signature") }
        guard signature.elementsEqual(Self.signature) else { throw .unexpectedFormat("no NTLMSSP signature") }
        guard let type = reader.uint32() else { throw .truncated("NTLM message type is cut off") }
        guard type == 2 else { throw .unexpectedFormat("NTLM message type \(type), expected 2 (challenge)") }
        guard let targetNameField = reader.field() else { throw .truncated("TargetNameFields cut off") }
        guard let flags = reader.uint32() else { throw .truncated("NegotiateFlags cut off") }
        guard let challenge = reader.bytes(8) else { throw .truncated("ServerChallenge cut off") }
        // Old servers send a 32- or 40-byte message without TargetInfoFields; those
        // fields are read only when the message is long enough to hold them.
        var targetInfoField: LittleEndianReader.Field?
        if reader.bytes(8) != nil, reader.remaining >= 8 {
            targetInfoField = reader.field()
        }
        // The payload starts after the fixed fields; a non-empty field must point past them.
        let headerEnd = message.count - reader.remaining
        var payloadStart = Int.max
        for field in [targetNameField, targetInfoField].compactMap({ $0 }) where field.length > 0 {
            guard field.offset >= headerEnd else {
                throw .invalidOffset("field offset \(field.offset) points into the \(headerEnd)-byte header")
            }
            payloadStart = min(payloadStart, field.offset)
        }
        var version: WindowsVersion?
        if flags & Self.negotiateVersion != 0, headerEnd == 48, payloadStart >= 56, let raw = reader.bytes(8) {
            var v = LittleEndianReader(raw)
            if let major = v.uint8(), let minor = v.uint8(), let build = v.uint16(), v.bytes(3) != nil, let revision = v.uint8() {
                version = WindowsVersion(major: Int(major), minor: Int(minor), build: Int(build), ntlmRevision: Int(revision))
            }
        }
        let unicode = flags & Self.negotiateUnicode != 0
        var targetName: String?
        if targetNameField.length > 0 {
            let raw = try Self.slice(message, targetNameField, "TargetName")
            targetName = unicode ? try UTF16LE.string(raw, "TargetName") : ByteText.printable(raw, limit: 256)
        }
        var pairs = AVPairs()
        if let field = targetInfoField, field.length > 0 {
            pairs = try AVPairs(parsing: try Self.slice(message, field, "TargetInfo"))
        }
        self.flags = flags
        serverChallenge = String(decoding: challenge.flatMap(Hex.digits(of:)), as: UTF8.self)
        self.targetName = targetName
        netBIOSComputerName = pairs.netBIOSComputerName
        netBIOSDomainName = pairs.netBIOSDomainName
        dnsComputerName = pairs.dnsComputerName
        dnsDomainName = pairs.dnsDomainName
        dnsTreeName = pairs.dnsTreeName
        timestamp = pairs.timestamp
        self.version = version
    }

    /// Decodes a raw challenge message given as any byte collection (copied once into an array).
    @inlinable
    public init(parsing bytes: some Collection<UInt8>) throws(FingerprintError) {
        try self.init(parsing: Array(bytes))
    }

    private static func slice(_ message: ArraySlice<UInt8>, _ field: LittleEndianReader.Field, _ name: String) throws(FingerprintError) -> ArraySlice<UInt8> {
        guard field.offset <= message.count, field.length <= message.count - field.offset else {
            throw .invalidOffset("\(name) (offset \(field.offset), length \(field.length)) extends past the \(message.count)-byte message")
        }
        return message.dropFirst(field.offset).prefix(field.length)
    }
}

/// The AV pairs of the TargetInfo field ([MS-NLMP] §2.2.2.1).
private struct AVPairs {
    var netBIOSComputerName: String?
    var netBIOSDomainName: String?
    var dnsComputerName: String?
    var dnsDomainName: String?
    var dnsTreeName: String?
    var timestamp: UInt64?

    init() {}

    init(parsing bytes: ArraySlice<UInt8>) throws(FingerprintError) {
        var reader = LittleEndianReader(bytes)
        var count = 0
        while true {
            guard count < NTLMChallenge.maximumAVPairs else { throw .limitExceeded("more than \(NTLMChallenge.maximumAVPairs) AV pairs") }
            count += 1
            guard let id = reader.uint16(), let length = reader.uint16() else {
                throw .truncated("AV pair header cut off (no MsvAvEOL)")
            }
            guard let value = reader.bytes(Int(length)) else {
                throw .invalidOffset("AV pair \(id) length \(length) extends past TargetInfo")
            }
            switch id {
            case 0: return // MsvAvEOL; trailing bytes after it are ignored, as Windows does.
            case 1: netBIOSComputerName = try UTF16LE.string(value, "MsvAvNbComputerName")
            case 2: netBIOSDomainName = try UTF16LE.string(value, "MsvAvNbDomainName")
            case 3: dnsComputerName = try UTF16LE.string(value, "MsvAvDnsComputerName")
            case 4: dnsDomainName = try UTF16LE.string(value, "MsvAvDnsDomainName")
            case 5: dnsTreeName = try UTF16LE.string(value, "MsvAvDnsTreeName")
            case 7:
                guard value.count == 8 else { throw .unexpectedFormat("MsvAvTimestamp is \(value.count) bytes, expected 8") }
                var v = LittleEndianReader(value)
                timestamp = v.uint64()
            default: break // flags, single host, target name, channel bindings: not needed
            }
        }
    }
}

/// A cursor that consumes little-endian integers from the front of a slice.
struct LittleEndianReader {
    private var bytes: ArraySlice<UInt8>

    /// An NTLM `(length, maxLength, offset)` field.
    struct Field {
        var length: Int
        var offset: Int
    }

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    var remaining: Int { bytes.count }

    /// The next `count` bytes, or `nil` (consuming nothing) when fewer remain.
    mutating func bytes(_ count: Int) -> ArraySlice<UInt8>? {
        guard count >= 0, count <= bytes.count else { return nil }
        let head = bytes.prefix(count)
        bytes = bytes.dropFirst(count)
        return head
    }

    mutating func uint8() -> UInt8? { bytes.popFirst() }

    mutating func uint16() -> UInt16? {
        guard let raw = bytes(2) else { return nil }
        return raw.reversed().reduce(0) { $0 << 8 | UInt16($1) }
    }

    mutating func uint32() -> UInt32? {
        guard let raw = bytes(4) else { return nil }
        return raw.reversed().reduce(0) { $0 << 8 | UInt32($1) }
    }

    mutating func uint64() -> UInt64? {
        guard let raw = bytes(8) else { return nil }
        return raw.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    mutating func field() -> Field? {
        guard let length = uint16(), uint16() != nil, let offset = uint32(),
              let offsetInt = Int(exactly: offset) else { return nil }
        return Field(length: Int(length), offset: offsetInt)
    }
}

/// UTF-16LE names from NTLM messages.
enum UTF16LE {
    /// Decodes a name; invalid surrogates become U+FFFD, control characters `?`.
    static func string(_ bytes: ArraySlice<UInt8>, _ name: String) throws(FingerprintError) -> String {
        guard bytes.count % 2 == 0 else { throw .unexpectedFormat("\(name) has an odd UTF-16 length \(bytes.count)") }
        // Fast path: names are almost always printable ASCII.
        var ascii: [UInt8] = []
        ascii.reserveCapacity(bytes.count / 2)
        var pairs = bytes
        while let low = pairs.popFirst(), let high = pairs.popFirst() {
            guard high == 0, low >= 0x20, low < 0x7F else { break }
            ascii.append(low)
        }
        if ascii.count * 2 == bytes.count, ascii.count <= 256 { return String(decoding: ascii, as: UTF8.self) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var reader = LittleEndianReader(bytes)
        while let unit = reader.uint16() { units.append(unit) }
        return ByteText.printable(String(decoding: units, as: UTF16.self), limit: 256)
    }
}

/// A strict, bounded base64 decoder (RFC 4648 standard alphabet, padding optional).
enum Base64 {
    static func encodedLength(_ decoded: Int) -> Int { (decoded + 2) / 3 * 4 }

    static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// Decodes base64 text.
    /// - Throws: ``FingerprintError`` `.empty` or `.unexpectedFormat` (bad character, bad
    ///   padding, impossible length).
    static func decode(_ text: [UInt8]) throws(FingerprintError) -> [UInt8] {
        var body = text[...]
        while let last = body.last, ByteText.isSpace(last) { body = body.dropLast() }
        while let first = body.first, ByteText.isSpace(first) { body = body.dropFirst() }
        guard !body.isEmpty else { throw .empty("base64 text is empty") }
        var padding = 0
        while body.last == 0x3D, padding < 2 {
            body = body.dropLast()
            padding += 1
        }
        guard body.count % 4 != 1 else { throw .unexpectedFormat("base64 text has an impossible length \(text.count)") }
        if padding > 0, (body.count + padding) % 4 != 0 { throw .unexpectedFormat("base64 padding does not match the length") }
        let table = table
        var out: [UInt8] = []
        out.reserveCapacity(body.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in body {
            let value = table[Int(byte)]
            guard value != 0xFF else { throw .unexpectedFormat("byte \(ByteText.printable([byte])) is not base64") }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return out
    }
}

extension CalendarDate {
    /// The date `days` days after 1601-01-01 (the FILETIME epoch), or `nil` when out of range.
    static func fromDaysSince1601(_ days: Int) -> CalendarDate? {
        // Shift to days since 0000-03-01 and use the civil-from-days algorithm
        // (H. Hinnant), which handles every Gregorian leap rule.
        guard days >= 0, days < 4_000_000 else { return nil }
        // 1601-01-01 is 134,774 days before 1970-01-01, which is day 719,468 after 0000-03-01.
        let z = days - 134_774 + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return CalendarDate(year: year, month: month, day: day)
    }
}
