import ExScopeCore
import Testing

/// The two checks every command, the Graph client and the dashboard share.
@Suite struct LoopbackAndControlCharacterTests {
    @Test(arguments: ["127.0.0.1", "127.255.0.9", "localhost", "LocalHost", "::1", "[::1]"])
    func loopbackHostsAreRecognised(_ host: String) {
        #expect(IPAddress.isLoopbackHost(host))
    }

    @Test(arguments: ["127.attacker.example", "localhost.attacker.example", "127.0.0.1.nip.io", "128.0.0.1", "::2", "[::1", "10.0.0.1", ""])
    func otherHostsAreNot(_ host: String) {
        #expect(!IPAddress.isLoopbackHost(host))
    }

    @Test func controlCharactersAreShownAsQuestionMarksExceptThoseKept() {
        #expect("a\u{1B}[2Jb\u{9B}c\rd\u{7F}".showingControlCharacters() == "a?[2Jb?c?d?")
        #expect("one\ttwo\nthree\r".showingControlCharacters(keeping: ["\n", "\t"]) == "one\ttwo\nthree?")
        #expect("Zürich ©".showingControlCharacters() == "Zürich ©")
    }
}
