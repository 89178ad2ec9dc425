import Foundation

/// The NTLM NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1) that makes a server answer with its
/// CHALLENGE_MESSAGE, which names the server. It carries no credentials.
enum NTLMNegotiate {
    /// NEGOTIATE_UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | VERSION | 128 | 56.
    static let flags: UInt32 = 0xA208_8207

    static let message: [UInt8] = {
        var bytes = Array("NTLMSSP".utf8) + [0]
        bytes += [1, 0, 0, 0]                                   // MessageType = 1
        bytes += withUnsafeBytes(of: flags.littleEndian, Array.init)
        bytes += [UInt8](repeating: 0, count: 16)              // empty DomainName and Workstation fields
        bytes += [10, 0, 0x61, 0x4A, 0, 0, 0, 15]               // Version 10.0.19041, NTLM revision 15
        return bytes
    }()

    /// The `Authorization` header value.
    static var header: String { "NTLM " + Data(message).base64EncodedString() }
}
