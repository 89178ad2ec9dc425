import ExScopeCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOTLS

/// One connection to one host: connect, TLS, then requests and responses with
/// every phase under a deadline and every response under a size cap.
///
/// All bytes read are attacker-controlled; nothing here trusts a length or waits
/// without a deadline.
struct HTTPConnection {
    typealias Channel = NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>

    let channel: Channel
    let certificate: CertificateSummary?
    let hostHeader: String

    /// Connects and, for HTTPS, completes the handshake.
    static func open(address: IPAddress, port: Int, hostname: String?, tls: NIOSSLContext?,
                     configuration: ProbeConfiguration, group: any EventLoopGroup) async throws(ProbeError) -> HTTPConnection {
        let socketAddress: SocketAddress
        do {
            socketAddress = try SocketAddress(ipAddress: address.description, port: port)
        } catch {
            throw ProbeError(.connectionRefused, "bad address \(address)")
        }
        let handshake = HandshakeWaiter()
        // Connect first and build the pipeline only for connections that exist: most targets of a
        // sweep refuse, and a TLS session object per refused attempt costs memory and time.
        // Reads stay off until the pipeline is complete, so no early byte is lost.
        let raw: any NIOCore.Channel
        do {
            raw = try await ClientBootstrap(group: group)
                .connectTimeout(configuration.timeouts.connect)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelOption(.autoRead, value: false)
                .connect(to: socketAddress).get()
        } catch {
            throw classifyConnect(error)
        }
        let channel: Channel
        do {
            channel = try await raw.eventLoop.submit {
                let pipeline = raw.pipeline.syncOperations
                if let tls {
                    // SNI only for names: an IP literal is not a valid server name.
                    try pipeline.addHandler(NIOSSLClientHandler(context: tls, serverHostname: hostname))
                    try pipeline.addHandler(handshake)
                }
                try pipeline.addHandler(ByteBudgetHandler(limit: configuration.limits.headerBytes + configuration.limits.bodyBytes + 4096))
                try pipeline.addHTTPClientHandlers(leftOverBytesStrategy: .dropBytes)
                let wrapped = try Channel(wrappingChannelSynchronously: raw)
                raw.setOption(.autoRead, value: true).whenFailure { _ in raw.close(promise: nil) }
                return wrapped
            }.get()
        } catch {
            raw.close(promise: nil)
            throw ProbeError(.tlsError, "cannot set up the connection: \(shortDescription(error))")
        }
        var certificate: CertificateSummary?
        if tls != nil {
            let timer = channel.channel.eventLoop.scheduleTask(in: configuration.timeouts.tlsHandshake) {
                // A handshake that never completes is a timeout (zgrab2); a failed one is a TLS error.
                handshake.fail(ProbeError(.ioTimeout, "TLS handshake timed out"))
                channel.channel.close(promise: nil)
            }
            do {
                try await handshake.future(on: channel.channel.eventLoop).get()
                timer.cancel()
            } catch {
                timer.cancel()
                await discard(channel)
                if let probe = error as? ProbeError { throw probe }
                throw ProbeError(.tlsError, "TLS handshake failed: \(shortDescription(error))")
            }
            if let peer = try? await channel.channel.nioSSL_peerCertificate().get() {
                certificate = CertificateSummary(der: (try? peer.toDERBytes()) ?? [])
            }
        }
        let defaultPort = tls == nil ? 80 : 443
        let name = hostname ?? (address.isIPv4 ? address.description : "[\(address)]")
        return HTTPConnection(channel: channel, certificate: certificate,
                              hostHeader: port == defaultPort ? name : "\(name):\(port)")
    }

    /// Closes a wrapped channel that will not be used; the async wrapper must be finished, not dropped.
    static func discard(_ channel: Channel) async {
        try? await channel.executeThenClose { _, _ in }
    }

    static func classifyConnect(_ error: any Error) -> ProbeError {
        if let channelError = error as? ChannelError, case .connectTimeout = channelError {
            return ProbeError(.connectionTimeout, "connect timed out")
        }
        if let ioError = error as? IOError {
            switch ioError.errnoCode {
            case ECONNREFUSED: return ProbeError(.connectionRefused, "connection refused")
            case ETIMEDOUT: return ProbeError(.connectionTimeout, "connect timed out")
            default: return ProbeError(.connectionRefused, "connect failed: \(String(cString: strerror(ioError.errnoCode)))")
            }
        }
        if let connectError = error as? NIOConnectionError {
            let errors = connectError.connectionErrors.map { classifyConnect($0.error) }
            return errors.first ?? ProbeError(.connectionRefused, "connect failed")
        }
        return ProbeError(.connectionRefused, "connect failed: \(shortDescription(error))")
    }
}

/// Runs a request/response conversation on an open connection.
struct HTTPConversation: ~Copyable {
    var inbound: NIOAsyncChannelInboundStream<HTTPClientResponsePart>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<HTTPClientRequestPart>
    let channel: any Channel
    let hostHeader: String
    let configuration: ProbeConfiguration
    /// Whether the server asked to close after the last response.
    var serverWillClose = false

    /// Sends one GET and reads its whole response under the response deadline.
    mutating func get(_ path: String, extraHeaders: [(String, String)] = []) async throws(ProbeError) -> HTTPEvidence {
        var headers = NIOHTTP1.HTTPHeaders()
        headers.add(name: "Host", value: hostHeader)
        headers.add(name: "User-Agent", value: configuration.userAgent)
        headers.add(name: "Accept", value: "*/*")
        headers.add(name: "Connection", value: "keep-alive")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let timedOut = NIOLockedValueBox(false)
        let channel = self.channel
        let timer = channel.eventLoop.scheduleTask(in: configuration.timeouts.response) {
            timedOut.withLockedValue { $0 = true }
            channel.close(promise: nil)
        }
        defer { timer.cancel() }
        do {
            try await channel.pipeline.handler(type: ByteBudgetHandler.self).map { $0.reset() }.get()
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)))
            try await outbound.write(.end(nil))
            return try await readResponse(path: path)
        } catch let error as ProbeError {
            throw timedOut.withLockedValue { $0 } ? ProbeError(.ioTimeout, "no complete response to \(path) in time") : error
        } catch {
            if timedOut.withLockedValue({ $0 }) { throw ProbeError(.ioTimeout, "no complete response to \(path) in time") }
            throw Self.classifyRead(error, path: path)
        }
    }

    private mutating func readResponse(path: String) async throws -> HTTPEvidence {
        var status = 0
        var fields: [HTTPHeaderField] = []
        var body: [UInt8] = []
        var sawHead = false
        while let part = try await inbound.next() {
            switch part {
            case .head(let head):
                // 1xx responses are informational: wait for the real one.
                if head.status.code < 200 { continue }
                status = Int(head.status.code)
                var size = 0
                for (name, value) in head.headers {
                    size += name.utf8.count + value.utf8.count + 4
                    fields.append(HTTPHeaderField(name: name, value: value))
                }
                guard size <= configuration.limits.headerBytes else {
                    throw ProbeError(.limitExceeded, "response headers for \(path) exceed \(configuration.limits.headerBytes) bytes")
                }
                // A body announced larger than the cap is refused before any of it is read.
                if let declared = head.headers.first(name: "Content-Length").flatMap(Int.init), declared > configuration.limits.bodyBytes {
                    throw ProbeError(.limitExceeded, "response body for \(path) is announced as \(declared) bytes, over \(configuration.limits.bodyBytes)")
                }
                serverWillClose = !head.isKeepAlive
                sawHead = true
            case .body(let buffer):
                guard body.count + buffer.readableBytes <= configuration.limits.bodyBytes else {
                    throw ProbeError(.limitExceeded, "response body for \(path) exceeds \(configuration.limits.bodyBytes) bytes")
                }
                body.append(contentsOf: buffer.readableBytesView)
            case .end:
                return HTTPEvidence(path: path, status: status, headers: ExScopeCore.HTTPHeaders(fields: fields), body: body)
            }
        }
        throw ProbeError(.protocolError, sawHead ? "connection closed in the middle of the response to \(path)"
                                                  : "connection closed without a response to \(path)")
    }

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

/// Completes when the TLS handshake does, or fails with the first error.
final class HandshakeWaiter: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = Any

    private let state = NIOLockedValueBox<(promise: EventLoopPromise<Void>?, result: Result<Void, any Error>?)>((nil, nil))

    func future(on eventLoop: any EventLoop) -> EventLoopFuture<Void> {
        state.withLockedValue { state in
            if let result = state.result { return eventLoop.makeCompletedFuture(result) }
            let promise = eventLoop.makePromise(of: Void.self)
            state.promise = promise
            return promise.futureResult
        }
    }

    func fail(_ error: any Error) { complete(.failure(error)) }

    private func complete(_ result: Result<Void, any Error>) {
        let promise: EventLoopPromise<Void>? = state.withLockedValue { state in
            guard state.result == nil else { return nil }
            state.result = result
            return state.promise
        }
        promise?.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let tlsEvent = event as? TLSUserEvent, case .handshakeCompleted = tlsEvent { complete(.success(())) }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        complete(.failure(error))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        complete(.failure(ProbeError(.tlsError, "connection closed during the TLS handshake")))
        context.fireChannelInactive()
    }
}
