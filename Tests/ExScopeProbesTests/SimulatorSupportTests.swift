import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization
import Testing

// A tiny client for the simulator tests: raw bytes over TCP or TLS (verification
// off), collected in a lock box and polled, so hostile servers can be observed
// byte by byte without any HTTP library in between.

/// Bytes received on one test connection, plus whether it closed and why.
final class Collected: Sendable {
    struct State {
        var bytes: [UInt8] = []
        var closed = false
        var error: String?
    }

    let state = Mutex(State())

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var closed: Bool { state.withLock { $0.closed } }
    var error: String? { state.withLock { $0.error } }

    /// Polls until `condition` holds or `timeout` passes; returns whether it held.
    func wait(timeout: Duration, until condition: (State) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if state.withLock({ condition($0) }) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return state.withLock { condition($0) }
    }
}

final class CollectHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let collected: Collected

    init(_ collected: Collected) { self.collected = collected }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        collected.state.withLock { $0.bytes += buffer.readableBytesView }
    }

    func channelInactive(context: ChannelHandlerContext) {
        collected.state.withLock { $0.closed = true }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        collected.state.withLock { $0.error = $0.error ?? String(describing: error) }
        context.close(promise: nil)
    }
}

struct TestConnection {
    let channel: any Channel
    let collected: Collected

    static func open(_ ip: String, _ port: Int, tls: Bool) async throws -> TestConnection {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        let clientContext = try NIOSSLContext(configuration: configuration)
        let collected = Collected()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(3))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(CollectHandler(collected))
                }
            }
            .connect(host: ip, port: port).get()
        return TestConnection(channel: channel, collected: collected)
    }

    func send(_ text: String) {
        channel.writeAndFlush(ByteBuffer(string: text), promise: nil)
    }

    func send(bytes: [UInt8]) {
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    func close() async {
        try? await channel.close()
    }

    /// Sends GETs one after another on this connection, each after the previous one's response, and
    /// returns every response the connection has received, earlier calls' included.
    func get(_ paths: [String], headers: [String: String] = [:], host: String = "mail.test.example",
             timeout: Duration = .seconds(5)) async throws -> [TestResponse] {
        // Counted from what the connection already has: starting from none, a second call took an
        // earlier response for its first path's and returned before its own last one had come.
        var responses = TestResponse.parseAll(collected.bytes)
        for path in paths {
            var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUser-Agent: ExScope-Simulator-Tests\r\n"
            for (name, value) in headers { request += "\(name): \(value)\r\n" }
            request += "\r\n"
            let before = responses.count
            send(request)
            let done = await collected.wait(timeout: timeout) { TestResponse.parseAll($0.bytes).count > before || $0.closed }
            let parsed = TestResponse.parseAll(collected.bytes)
            guard done, parsed.count > before else { throw TestFailure("no response to \(path)") }
            responses = parsed
        }
        return responses
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One parsed HTTP/1.1 response.
struct TestResponse {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    func headers(_ name: String) -> [String] {
        headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1)
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// Parses complete responses (Content-Length framed) from the start of `bytes`.
    static func parseAll(_ bytes: [UInt8]) -> [TestResponse] {
        var responses: [TestResponse] = []
        var offset = 0
        let terminator: [UInt8] = [13, 10, 13, 10]
        while offset < bytes.count, let end = bytes[offset...].firstRange(of: terminator) {
            let head = String(decoding: bytes[offset..<end.lowerBound], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst().split(separator: " ")
            guard statusLine.count >= 2, let status = Int(statusLine[1]) else { break }
            let headers: [(String, String)] = lines.compactMap { line in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            let length = headers.first { $0.0.lowercased() == "content-length" }.flatMap { Int($0.1) } ?? 0
            let bodyStart = end.upperBound
            guard bytes.count >= bodyStart + length else { break }
            responses.append(TestResponse(status: status, headers: headers, body: Array(bytes[bodyStart..<(bodyStart + length)])))
            offset = bodyStart + length
        }
        return responses
    }
}

/// A decoded NTLM CHALLENGE_MESSAGE.
struct NTLMType2 {
    var targetName: String
    var flags: UInt32
    var avPairs: [UInt16: [UInt8]]
    var version: (major: UInt8, minor: UInt8, build: UInt16)

    func string(_ id: UInt16) -> String? {
        guard let bytes = avPairs[id] else { return nil }
        return Self.utf16le(bytes[...])
    }

    static func utf16le(_ bytes: ArraySlice<UInt8>) -> String {
        var units: [UInt16] = []
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            units.append(UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    init?(base64: String) {
        guard let data = Data(base64Encoded: base64) else { return nil }
        let b = [UInt8](data)
        func u16(_ at: Int) -> Int { Int(b[at]) | Int(b[at + 1]) << 8 }
        func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
        guard b.count >= 56, Array(b[0..<8]) == Array("NTLMSSP\0".utf8), u32(8) == 2 else { return nil }
        let nameLength = u16(12), nameOffset = Int(u32(16))
        let infoLength = u16(40), infoOffset = Int(u32(44))
        guard nameOffset + nameLength <= b.count, infoOffset + infoLength <= b.count else { return nil }
        targetName = Self.utf16le(b[nameOffset..<(nameOffset + nameLength)])
        flags = u32(20)
        version = (b[48], b[49], UInt16(u16(50)))
        var pairs: [UInt16: [UInt8]] = [:]
        var at = infoOffset
        while at + 4 <= infoOffset + infoLength {
            let id = UInt16(u16(at)), length = u16(at + 2)
            if id == 0 { break }
            guard at + 4 + length <= b.count else { return nil }
            pairs[id] = Array(b[(at + 4)..<(at + 4 + length)])
            at += 4 + length
        }
        avPairs = pairs
    }
}

/// The NTLM Type 1 nmap's http-ntlm-info sends.
let ntlmNegotiate = "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw=="

@Suite("Simulator test client")
struct SimulatorSupportTests {
    @Test("the response parser frames keep-alive responses by Content-Length")
    func parsesPipelinedResponses() {
        let raw = "HTTP/1.1 302 Found\r\nLocation: /a\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\npart"
        let responses = TestResponse.parseAll(Array(raw.utf8))
        #expect(responses.map(\.status) == [302, 200])
        #expect(responses[1].text == "hello")
    }

    @Test("the NTLM parser reads the Qualcomm fixture from fingerprinting.md")
    func parsesRealType2() throws {
        let fixture = "TlRMTVNTUAACAAAABAAEADgAAAAFgomi3k7KRx+HGYQAAAAAAAAAALQAtAA8AAAABgGwHQAAAA9OAEEAAgAEAE4AQQABABYATgBBAFMAQQBOAEUAWABIAEMAMAA0AAQAHgBuAGEALgBxAHUAYQBsAGMAbwBtAG0ALgBjAG8AbQADADYAbgBhAHMAYQBuAGUAeABoAGMAMAA0AC4AbgBhAC4AcQB1AGEAbABjAG8AbQBtAC4AYwBvAG0ABQAiAGMAbwByAHAALgBxAHUAYQBsAGMAbwBtAG0ALgBjAG8AbQAHAAgADXHouNLjzAEAAAAA"
        let message = try #require(NTLMType2(base64: fixture))
        #expect(message.flags == 0xA289_8205)
        #expect(message.targetName == "NA")
        #expect(message.string(1) == "NASANEXHC04")
        #expect(message.string(4) == "na.qualcomm.com")
        #expect(message.version.major == 6 && message.version.build == 7600)
    }
}
