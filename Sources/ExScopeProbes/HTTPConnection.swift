import ExScopeCore
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// One connection to one host: connect, TLS, then requests and responses with
/// every phase under a deadline and every response under a size cap.
///
/// All bytes read are attacker-controlled; nothing here trusts a length or waits
/// without a deadline. The pipeline does the work on the event loop and hands each
/// response over whole, so a request costs one wake-up of the probing task.
struct HTTPConnection: Sendable {
    let channel: any Channel
    /// The leaf certificate the server presented (DER), for HTTPS.
    let certificate: [UInt8]?
    let hostHeader: String
    private let collector: NIOLoopBound<ResponseCollector>
    private let closer: NIOLoopBound<SocketCloser>
    private let configuration: ProbeConfiguration

    /// Connects and, for HTTPS, completes the handshake.
    static func open(address: IPAddress, port: Int, hostname: String?, tls: NIOSSLContext?,
                     configuration: ProbeConfiguration, group: any EventLoopGroup) async throws(ProbeError) -> HTTPConnection {
        // Connect first and build the pipeline only for connections that exist: most targets of a
        // sweep refuse, and a channel or a TLS session object per refused attempt costs memory and time.
        // Reads stay off until the pipeline is complete, so no early byte is lost.
        let bootstrap = ClientBootstrap(group: group).channelOption(.autoRead, value: false)
        #if os(Linux)
        let socket = try await Connector.shared.connect(to: address, port: port, timeout: configuration.timeouts.connect).get()
        let connected = bootstrap.withConnectedSocket(socket)
        #else
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: address.description, port: port)
        } catch {
            throw ProbeError(.connectionRefused, "bad address \(address)")
        }
        let connected = bootstrap.connectTimeout(configuration.timeouts.connect).connect(to: socketAddress)
            .flatMapErrorThrowing { throw classifyConnect($0) }
        #endif
        // The Host header is made only for a connection that exists (a refused target never needs it).
        let opened = connected.flatMap { channel in
            let name = hostname ?? (address.isIPv4 ? address.description : "[\(address)]")
            let hostHeader = port == (tls == nil ? 80 : 443) ? name : "\(name):\(port)"
            return start(channel, tls: tls, hostname: hostname, hostHeader: hostHeader, configuration: configuration)
        }
        do {
            return try await opened.get()
        } catch let error as ProbeError {
            throw error
        } catch let error as IOError where ProbeError.localErrors.contains(error.errnoCode) {
            // NIO could not register the connected socket (epoll or memory limits of this machine).
            throw ProbeError(local: error.errnoCode, doing: "setting up a connection")
        } catch {
            throw ProbeError(.tlsError, "cannot set up the connection: \(shortDescription(error))")
        }
    }

    /// On the channel's event loop: builds the pipeline, starts reading and waits for the handshake.
    private static func start(_ channel: any Channel, tls: NIOSSLContext?, hostname: String?, hostHeader: String,
                              configuration: ProbeConfiguration) -> EventLoopFuture<HTTPConnection> {
        let loop = channel.eventLoop
        let collector: ResponseCollector
        let closer = SocketCloser()
        let handshake = loop.makePromise(of: [UInt8]?.self)
        do {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(closer)
            if let tls {
                // SNI only for names: an IP literal is not a valid server name.
                try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                try pipeline.addHandler(HandshakeWaiter(promise: handshake))
            } else {
                handshake.succeed(nil)
            }
            let budget = ByteBudgetHandler(limit: configuration.limits.headerBytes + configuration.limits.bodyBytes + 4096)
            try pipeline.addHandler(budget)
            try pipeline.addHTTPClientHandlers(leftOverBytesStrategy: .dropBytes)
            collector = ResponseCollector(limits: configuration.limits, budget: budget)
            try pipeline.addHandler(collector)
            // Set once connected: a refused target (most of a sweep) then costs one system call less.
            try channel.syncOptions?.setOption(.socketOption(.tcp_nodelay), value: 1)
            try channel.syncOptions?.setOption(.autoRead, value: true)
        } catch {
            channel.close(promise: nil)
            handshake.fail(error)
            return loop.makeFailedFuture(ProbeError(.tlsError, "cannot set up the connection: \(shortDescription(error))"))
        }
        // A handshake that never completes is a timeout (zgrab2); a failed one is a TLS error.
        let timer = loop.scheduleTask(in: configuration.timeouts.tlsHandshake) {
            handshake.fail(ProbeError(.ioTimeout, "TLS handshake timed out"))
            channel.close(promise: nil)
        }
        let bound = NIOLoopBound(collector, eventLoop: loop), boundCloser = NIOLoopBound(closer, eventLoop: loop)
        return handshake.futureResult.always { _ in timer.cancel() }
            .map { certificate in
                HTTPConnection(channel: channel, certificate: certificate, hostHeader: hostHeader, collector: bound, closer: boundCloser,
                               configuration: configuration)
            }
            .flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error as? ProbeError ?? ProbeError(.tlsError, "TLS handshake failed: \(shortDescription(error))")
            }
    }

    /// Sends one GET and returns its whole response, read under the response deadline.
    func get(_ path: String, extraHeaders: [(String, String)] = []) async throws(ProbeError) -> ResponseCollector.Response {
        var headers = NIOHTTP1.HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Accept", value: "*/*")
        headers.add(name: "Connection", value: "keep-alive")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let promise = channel.eventLoop.makePromise(of: ResponseCollector.Response.self)
        let collector = self.collector
        let timeout = configuration.timeouts.response
        channel.eventLoop.execute { collector.value.send(head, timeout: timeout, promise: promise) }
        do {
            return try await promise.futureResult.get()
        } catch let error as ProbeError {
            throw error
        } catch {
            throw Self.classifyRead(error, path: path)
        }
    }

    /// Closes the connection at once, without TLS's close_notify exchange; nothing waits for it.
    func close() {
        let closer = self.closer
        channel.eventLoop.execute { closer.value.close() }
    }

    #if !os(Linux)
    static func classifyConnect(_ error: any Error) -> ProbeError {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return ProbeError(.connectionTimeout, "connect timed out")
        }
        if let ioError = error as? IOError { return ProbeError(connectErrno: ioError.errnoCode) }
        if let connectError = error as? NIOConnectionError {
            let errors = connectError.connectionErrors.map { classifyConnect($0.error) }
            return errors.first ?? ProbeError(.connectionRefused, "connect failed")
        }
        return ProbeError(.connectionRefused, "connect failed: \(shortDescription(error))")
    }
    #endif

    static func classifyRead(_ error: any Error, path: String) -> ProbeError {
        if let parserError = error as? HTTPParserError {
            if parserError == .headerOverflow { return ProbeError(.limitExceeded, "response headers for \(path) are too large") }
            return ProbeError(.protocolError, "not HTTP: \(shortDescription(error))")
        }
        if error is ByteBudgetHandler.Exceeded { return ProbeError(.limitExceeded, "response to \(path) exceeds the size limits") }
        if error is NIOSSLError { return ProbeError(.tlsError, "TLS failed: \(shortDescription(error))") }
        if let channelError = error as? ChannelError, channelError == .ioOnClosedChannel || channelError == .alreadyClosed {
            return ProbeError(.protocolError, "connection closed before the response to \(path)")
        }
        return ProbeError(.protocolError, "\(shortDescription(error)) reading the response to \(path)")
    }
}

/// The first handler after the socket: a close issued here does not pass the TLS handler, so the
/// connection ends without the close_notify exchange. The scanner has nothing more to say, and
/// waiting for the server's alert costs both sides another round of work per host.
final class SocketCloser: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer

    private var context: ChannelHandlerContext?

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func close() { context?.close(promise: nil) }
}

/// Sends each request and collects its response on the event loop: the status, headers and
/// body under their caps, with the response deadline; the response is handed over when complete.
final class ResponseCollector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    struct Response: Sendable {
        var evidence: HTTPEvidence
        /// Whether the server keeps the connection open after this response.
        var keepAlive: Bool
    }

    private struct Waiting {
        let path: String
        let promise: EventLoopPromise<Response>
        let timer: Scheduled<Void>
        var status = 0
        var fields: [HTTPHeaderField] = []
        var body: [UInt8] = []
        var keepAlive = true
        var sawHead = false
    }

    private let limits: ProbeConfiguration.Limits
    private let budget: ByteBudgetHandler
    private var context: ChannelHandlerContext?
    private var waiting: Waiting?

    init(limits: ProbeConfiguration.Limits, budget: ByteBudgetHandler) {
        self.limits = limits
        self.budget = budget
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends a request; `promise` gets its response or the error that ended it.
    func send(_ head: HTTPRequestHead, timeout: TimeAmount, promise: EventLoopPromise<Response>) {
        guard let context, context.channel.isActive, waiting == nil else {
            promise.fail(ProbeError(.protocolError, "connection closed before the request for \(head.uri)"))
            return
        }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let timer = context.eventLoop.scheduleTask(in: timeout) {
            bound.value.finish(.failure(ProbeError(.ioTimeout, "no complete response to \(head.uri) in time")))
        }
        waiting = Waiting(path: head.uri, promise: promise, timer: timer)
        budget.reset()
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Bytes nobody asked for (after a failure, or unsolicited) are dropped.
        guard var response = waiting else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            // 1xx responses are informational: wait for the real one.
            if head.status.code < 200 { return }
            response.status = Int(head.status.code)
            var size = 0
            for (name, value) in head.headers {
                size += name.utf8.count + value.utf8.count + 4
                response.fields.append(HTTPHeaderField(name: name, value: value))
            }
            guard size <= limits.headerBytes else {
                return finish(.failure(ProbeError(.limitExceeded, "response headers for \(response.path) exceed \(limits.headerBytes) bytes")))
            }
            // A body announced larger than the cap is refused before any of it is read.
            if let declared = head.headers.first(name: "Content-Length").flatMap(Int.init) {
                guard declared <= limits.bodyBytes else {
                    return finish(.failure(ProbeError(.limitExceeded,
                                                      "response body for \(response.path) is announced as \(declared) bytes, over \(limits.bodyBytes)")))
                }
                response.body.reserveCapacity(declared)
            }
            response.keepAlive = head.isKeepAlive
            response.sawHead = true
        case .body(let buffer):
            guard response.body.count + buffer.readableBytes <= limits.bodyBytes else {
                return finish(.failure(ProbeError(.limitExceeded, "response body for \(response.path) exceeds \(limits.bodyBytes) bytes")))
            }
            waiting = nil // keeps the body uniquely referenced while it grows
            response.body.append(contentsOf: buffer.readableBytesView)
        case .end:
            waiting = response
            let evidence = HTTPEvidence(path: response.path, status: response.status,
                                        headers: ExScopeCore.HTTPHeaders(fields: response.fields), body: response.body)
            return finish(.success(Response(evidence: evidence, keepAlive: response.keepAlive)))
        }
        waiting = response
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Between requests (e.g. TLS reporting the connection the scanner just dropped) nobody waits for it.
        if let response = waiting { finish(.failure(HTTPConnection.classifyRead(error, path: response.path))) }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let response = waiting {
            finish(.failure(ProbeError(.protocolError, response.sawHead ? "connection closed in the middle of the response to \(response.path)"
                                                                        : "connection closed without a response to \(response.path)")))
        }
        context.fireChannelInactive()
    }

    /// Completes the request in flight; a failure also closes the connection.
    fileprivate func finish(_ result: Result<Response, ProbeError>) {
        guard let response = waiting else { return }
        waiting = nil
        response.timer.cancel()
        switch result {
        case .success(let value): response.promise.succeed(value)
        case .failure(let error):
            response.promise.fail(error)
            context?.close(promise: nil)
        }
    }
}

/// A bounded, single-line description of an error (server data can appear in errors).
func shortDescription(_ error: any Error) -> String {
    let text = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
    return text.count > 160 ? String(text.prefix(160)) + "…" : text
}

/// Fails the connection when a server sends more bytes for one response than the
/// header and body limits allow, before the HTTP decoder buffers them.
final class ByteBudgetHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    struct Exceeded: Error {}

    private let limit: Int
    private var used = 0

    init(limit: Int) { self.limit = limit }

    /// Starts the budget for a new response.
    func reset() { used = 0 }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        used += buffer.readableBytes
        if used > limit {
            context.fireErrorCaught(Exceeded())
            context.close(promise: nil)
            return
        }
        context.fireChannelRead(data)
    }
}

/// Completes `promise` with the server's certificate (DER) when the TLS handshake does, or
/// fails it with the first error.
final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = Any

    private let promise: EventLoopPromise<[UInt8]?>

    init(promise: EventLoopPromise<[UInt8]?>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent {
            let certificate = try? context.pipeline.syncOperations.nioSSL_peerCertificate()
            promise.succeed(certificate.flatMap { try? $0.toDERBytes() })
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ProbeError(.tlsError, "connection closed during the TLS handshake"))
        context.fireChannelInactive()
    }
}
