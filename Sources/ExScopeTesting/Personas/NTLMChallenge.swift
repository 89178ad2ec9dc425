import Foundation

/// Builds NTLM CHALLENGE_MESSAGEs (Type 2, [MS-NLMP] 2.2.1.2) the way IIS on a
/// domain-joined Exchange server does, and recognises NEGOTIATE_MESSAGEs (Type 1).
enum NTLMChallenge {
    static let signature: [UInt8] = Array("NTLMSSP".utf8) + [0]

    /// Flags seen from Exchange CAS servers: UNICODE, REQUEST_TARGET, NTLM,
    /// ALWAYS_SIGN, TARGET_TYPE_DOMAIN, EXTENDED_SESSIONSECURITY, TARGET_INFO,
    /// VERSION, 128, 56.
    static let flags: UInt32 = 0xA289_8205

    /// Whether an `Authorization` value carries an NTLM Type 1 (`NTLM <b64>` or
    /// `Negotiate <b64>` wrapping raw NTLMSSP), and which scheme to answer with.
    static func negotiateScheme(in authorization: String?) -> String? {
        guard let authorization else { return nil }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        guard scheme == "ntlm" || scheme == "negotiate" else { return nil }
        guard let data = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)),
              data.count >= 12 else { return nil }
        let bytes = [UInt8](data)
        guard Array(bytes[0..<8]) == signature, bytes[8] == 1, bytes[9] == 0, bytes[10] == 0, bytes[11] == 0 else {
            return nil
        }
        return scheme == "ntlm" ? "NTLM" : "Negotiate"
    }

    /// A Type 2 message for `identity`, base64.
    /// - Parameters:
    ///   - identity: names and Windows version to disclose.
    ///   - challenge: the 8-byte server challenge.
    ///   - now: the timestamp AV pair's time.
    static func message(identity: ServerIdentity, challenge: UInt64, now: Date = Date()) -> String {
        let targetName = utf16le(identity.netBIOSDomainName)
        var info: [UInt8] = []
        func pair(_ id: UInt16, _ value: [UInt8]) {
            append16(&info, id)
            append16(&info, UInt16(truncatingIfNeeded: value.count))
            info += value
        }
        pair(2, utf16le(identity.netBIOSDomainName))
        pair(1, utf16le(identity.netBIOSComputerName))
        pair(4, utf16le(identity.dnsDomainName))
        pair(3, utf16le(identity.dnsComputerName))
        pair(5, utf16le(identity.dnsDomainName))
        // FILETIME: 100 ns ticks since 1601-01-01.
        let ticks = UInt64(max(0, (now.timeIntervalSince1970 + 11_644_473_600) * 10_000_000))
        var stamp: [UInt8] = []
        append64(&stamp, ticks)
        pair(7, stamp)
        pair(0, [])

        let headerLength = 56
        var message: [UInt8] = signature
        append32(&message, 2)
        // TargetNameFields
        append16(&message, UInt16(truncatingIfNeeded: targetName.count))
        append16(&message, UInt16(truncatingIfNeeded: targetName.count))
        append32(&message, UInt32(headerLength))
        append32(&message, flags)
        append64(&message, challenge)
        append64(&message, 0)  // reserved
        // TargetInfoFields
        append16(&message, UInt16(truncatingIfNeeded: info.count))
        append16(&message, UInt16(truncatingIfNeeded: info.count))
        append32(&message, UInt32(headerLength + targetName.count))
        // Version: major, minor, build (LE), 3 reserved, NTLM revision 15
        message.append(identity.windows.major)
        message.append(identity.windows.minor)
        append16(&message, identity.windows.build)
        message += [0, 0, 0, 15]
        message += targetName
        message += info
        return Data(message).base64EncodedString()
    }

    private static func utf16le(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    private static func append16(_ bytes: inout [UInt8], _ value: UInt16) {
        bytes += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
    }

    private static func append32(_ bytes: inout [UInt8], _ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private static func append64(_ bytes: inout [UInt8], _ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
