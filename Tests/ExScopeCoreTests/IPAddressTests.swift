@testable import ExScopeCore
import Foundation
import Testing

@Suite struct IPAddressTests {
    /// The C library's `inet_pton` reads dotted quads by the same rules (four parts, each 0–255, no
    /// leading zero), so it judges every string the parser sees here.
    private static func libc(_ text: String) -> UInt32? {
        var address = in_addr()
        guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
        return UInt32(bigEndian: address.s_addr)
    }

    @Test(arguments: [
        "0.0.0.0", "255.255.255.255", "192.0.2.7", "10.0.0.1", "1.2.3.4", "100.20.3.0",
        "", ".", "1.2.3", "1.2.3.4.", ".1.2.3.4", "1..2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "00.0.0.0",
        "1.2.3.0400", "1000.1.1.1", "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "1.2.3.+4", "1.2.3.a", "１.2.3.4", "999.999.999.999",
    ])
    func readsDottedQuadsAsLibcDoes(_ text: String) {
        #expect(IPAddress.parseV4(Substring(text)) == Self.libc(text), "\(text)")
    }

    @Test func agreesWithLibcOnRandomText() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789..2.5")
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...17, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            #expect(IPAddress.parseV4(Substring(text)) == Self.libc(text), "\(text)")
        }
    }

    @Test func readsBothFamilies() {
        #expect(IPAddress("192.0.2.7") == .v4(0xC000_0207))
        #expect(IPAddress("2001:db8::1") == .v6(0x2001_0db8_0000_0000_0000_0000_0000_0001))
        #expect(IPAddress("::ffff:1.2.3.4") == .v6(0xffff_0102_0304))
        #expect(IPAddress("mail.example") == nil)
    }
}
