import NIOCore
import NIOHTTP1

/// Answers HTTP requests with a persona's responses; keep-alive unless the client
/// asks to close. Confined to its channel's event loop, like every handler.
final class PersonaHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let responder: PersonaResponder
    private let log: RequestLog
    private let hostIndex: Int
    private var head: HTTPRequestHead?

    init(responder: PersonaResponder, log: RequestLog, hostIndex: Int) {
        self.responder = responder
        self.log = log
        self.hostIndex = hostIndex
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body:
            break
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let headers = head.headers.map { ($0.name, $0.value) }
        log.recordRequest(host: hostIndex, method: head.method.rawValue, uri: head.uri, headers: headers)
        let response = responder.respond(to: SimulatedRequest(method: head.method.rawValue, uri: head.uri, headers: headers))
        var responseHeaders = HTTPHeaders(response.headers)
        let keepAlive = head.isKeepAlive
        if !keepAlive { responseHeaders.add(name: "Connection", value: "close") }
        let responseHead = HTTPResponseHead(
            version: head.version,
            status: HTTPResponseStatus(statusCode: response.status, reasonPhrase: response.reason),
            headers: responseHeaders)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        if !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Idle keep-alive connections are closed so abandoned clients do not pin descriptors.
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A client that goes away mid-handshake or sends junk only ends its own connection.
        context.close(promise: nil)
    }
}
