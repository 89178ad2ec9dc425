public import ExScopeCore
import Crypto
import _CryptoExtras
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A Microsoft Graph and Entra sign-in stand-in on 127.0.0.1 (plain HTTP, port 0), serving one
/// ``MockGraphTenant``. It implements the calls ExScope makes, with the documented shapes,
/// and records requests (method and path only; never headers or bodies).
public final class MockGraphServer: Sendable {
    /// One request as the server saw it.
    public struct Recorded: Sendable, Hashable {
        public var method: String
        public var path: String
        public var status: Int
    }

    struct State {
        var tenant: MockGraphTenant
        var validTokens: Set<String> = []
        var issued = 0
        var graphRequests = 0
        var deviceCodePolls = 0
        var log: [Recorded] = []
    }

    private let state: Mutex<State>
    private let channel: Mutex<(any Channel)?>
    public let port: Int

    /// `http://127.0.0.1:<port>`: use as both the login and the Graph endpoint.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private init(tenant: MockGraphTenant, channel: any Channel, port: Int) {
        self.state = Mutex(State(tenant: tenant))
        self.channel = Mutex(channel)
        self.port = port
    }

    /// Starts a server for `tenant` on a free loopback port.
    public static func start(_ tenant: MockGraphTenant) async throws -> MockGraphServer {
        let box = Box()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(MockGraphHandler(box: box))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        guard let port = channel.localAddress?.port else { throw SimulatorError.invalidConfiguration("no port") }
        let server = MockGraphServer(tenant: tenant, channel: channel, port: port)
        box.server.withLock { $0 = server }
        return server
    }

    /// Stops listening.
    public func stop() async {
        let open = channel.withLock { $0 }
        try? await open?.close()
    }

    /// Requests seen so far.
    public var requests: [Recorded] { state.withLock { $0.log } }
    /// The shared principal as it is now (after any PATCH).
    public var sharedPrincipal: ServicePrincipal? { state.withLock { $0.tenant.sharedPrincipal } }
    /// Every access token issued so far (for redaction tests).
    public var issuedTokens: [String] { state.withLock { Array($0.validTokens) } }

    final class Box: Sendable {
        let server = Mutex<MockGraphServer?>(nil)
    }

    struct Reply {
        var status: Int
        var body: String
        var headers: [(String, String)] = []
        var drip: Duration?
    }

    func handle(method: String, uri: String, headers: NIOHTTP1.HTTPHeaders, body: [UInt8]) -> Reply {
        state.withLock { state in
            let reply = Self.route(&state, method: method, uri: uri, headers: headers, body: body, base: baseURL)
            state.log.append(Recorded(method: method, path: String(uri.split(separator: "?").first ?? ""), status: reply.status))
            return reply
        }
    }
}

/// The channel handler: collects one request and writes the reply.
final class MockGraphHandler: ChannelInboundHandler, @unchecked Sendable {
    // Confined to its channel's event loop, like every NIO handler.
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let box: MockGraphServer.Box
    var head: HTTPRequestHead?
    var body: [UInt8] = []

    init(box: MockGraphServer.Box) { self.box = box }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(var buffer):
            if body.count < 1 << 20, let bytes = buffer.readBytes(length: buffer.readableBytes) { body += bytes }
        case .end:
            guard let head, let server = box.server.withLock({ $0 }) else { return }
            let reply = server.handle(method: head.method.rawValue, uri: head.uri, headers: head.headers, body: body)
            var headers = NIOHTTP1.HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "\(reply.body.utf8.count)")])
            for (name, value) in reply.headers { headers.add(name: name, value: value) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: HTTPResponseStatus(statusCode: reply.status), headers: headers))), promise: nil)
            self.head = nil
            if let drip = reply.drip {
                context.flush()
                self.drip(Array(reply.body.utf8)[...], every: .nanoseconds(drip.components.seconds * 1_000_000_000 + drip.components.attoseconds / 1_000_000_000), context: context)
                return
            }
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: reply.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// Writes `bytes` one at a time, `interval` apart, then ends the response; stops when the client has gone.
    private func drip(_ bytes: ArraySlice<UInt8>, every interval: TimeAmount, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        guard let first = bytes.first else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: [first])))), promise: nil)
        context.eventLoop.assumeIsolated().scheduleTask(in: interval) { self.drip(bytes.dropFirst(), every: interval, context: context) }
    }
}
