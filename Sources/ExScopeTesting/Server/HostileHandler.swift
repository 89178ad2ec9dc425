import NIOCore
import NIOSSL
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Plays one ``HostileMode`` on raw bytes: below TLS for the modes that break
/// TLS, above it for the modes that break HTTP.
final class HostileHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let mode: HostileMode
    private let log: RequestLog
    private let hostIndex: Int
    private var received: ByteBuffer?
    private var acted = false
    private var scheduled: Scheduled<Void>?
    private var active = true

    init(mode: HostileMode, log: RequestLog, hostIndex: Int) {
        self.mode = mode
        self.log = log
        self.hostIndex = hostIndex
    }

    func channelActive(context: ChannelHandlerContext) {
        if case .garbage = mode {
            acted = true
            context.writeAndFlush(wrapOutboundOut(Self.garbage(allocator: context.channel.allocator)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        active = false
        scheduled?.cancel()
        scheduled = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !acted else { return }
        switch mode {
        case .refuse, .garbage:
            return
        case .acceptThenHang:
            // Read and discard so the client's close is noticed; never write.
            return
        case .tlsAbort:
            acted = true
            reset(context: context)
            return
        case .plainTextOnTLSPort:
            acted = true
            let text = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\nServer: nginx\r\nConnection: close\r\nContent-Length: 48\r\n\r\n<html><body>400 Bad Request</body></html>\r\n\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: text)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
            return
        default:
            break
        }
        // The remaining modes answer once a request head has arrived.
        if received == nil {
            received = bytes
        } else {
            received?.writeBuffer(&bytes)
        }
        guard let buffer = received, let head = Self.requestHead(in: buffer) else {
            if let buffer = received, buffer.readableBytes > 64 * 1024 { context.close(promise: nil) }
            return
        }
        acted = true
        log.recordRequest(host: hostIndex, method: head.method, uri: head.uri, headers: head.headers)
        act(context: context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func act(context: ChannelHandlerContext) {
        let allocator = context.channel.allocator
        switch mode {
        case .hangAfterRequest:
            return
        case .garbageAfterHandshake:
            context.writeAndFlush(wrapOutboundOut(Self.garbage(allocator: allocator)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .truncatedHeaders:
            let text = "HTTP/1.1 200 OK\r\nCache-Control: private\r\nServer: Microsoft-IIS/10.0\r\nContent-Type: text/ht"
            context.writeAndFlush(wrapOutboundOut(allocator.buffer(string: text)))
                .assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .oversizedHeaders(let bytes):
            var first = allocator.buffer(string: "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\n")
            var line = 0
            var chunk = allocator.buffer(capacity: 16 * 1024)
            stream(context: context, total: bytes, prefix: &first) { remaining in
                chunk.clear()
                while chunk.readableBytes < min(remaining, 16 * 1024) {
                    chunk.writeString("X-Padding-\(line): \(String(repeating: "A", count: 96))\r\n")
                    line += 1
                }
                return chunk
            }
        case .endlessBody:
            var head = allocator.buffer(string: "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n")
            let block = allocator.buffer(repeating: UInt8(ascii: "A"), count: 64 * 1024)
            stream(context: context, total: .max, prefix: &head) { _ in block }
        case .oversizedBody(let bytes):
            var head = allocator.buffer(string: "HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nContent-Type: application/octet-stream\r\nContent-Length: \(bytes)\r\n\r\n")
            let block = allocator.buffer(repeating: UInt8(ascii: "A"), count: 64 * 1024)
            stream(context: context, total: bytes, prefix: &head) { remaining in
                block.getSlice(at: block.readerIndex, length: min(remaining, block.readableBytes)) ?? block
            }
        case .slowDrip(let interval):
            let text = "HTTP/1.1 302 Found\r\nLocation: /owa/auth/logon.aspx?url=%2fowa%2f&reason=0\r\nServer: Microsoft-IIS/10.0\r\nContent-Length: 0\r\n\r\n"
            drip(context: context, bytes: Array(text.utf8), offset: 0, interval: .milliseconds(Int64(max(1, interval))))
        case .resetMidResponse:
            let page = ExchangePages.logon2013(version: "15.2.1748", title: "Outlook", host: "localhost")
            let head = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nServer: Microsoft-IIS/10.0\r\nContent-Length: \(page.utf8.count)\r\n\r\n"
            var buffer = allocator.buffer(string: head)
            buffer.writeString(String(page.prefix(4096)))
            context.writeAndFlush(wrapOutboundOut(buffer)).assumeIsolated().whenComplete { _ in
                self.reset(context: context)
            }
        default:
            return
        }
    }

    /// Writes `prefix` then `total` bytes made by `next`, one chunk in flight at a time,
    /// so a slow reader slows the stream instead of growing our buffers.
    private func stream(context: ChannelHandlerContext, total: Int, prefix: inout ByteBuffer,
                        next: @escaping (Int) -> ByteBuffer) {
        var remaining = total
        let loop = context.eventLoop.assumeIsolated()
        func writeNext() {
            guard active, remaining > 0 else { return }
            var chunk = next(remaining)
            if chunk.readableBytes > remaining, let slice = chunk.readSlice(length: remaining) { chunk = slice }
            remaining -= chunk.readableBytes
            context.writeAndFlush(wrapOutboundOut(chunk)).assumeIsolated().whenComplete { result in
                switch result {
                case .success:
                    // Via the loop, not recursion: writes often complete synchronously.
                    loop.execute { writeNext() }
                case .failure:
                    context.close(promise: nil)
                }
            }
        }
        context.writeAndFlush(wrapOutboundOut(prefix)).assumeIsolated().whenSuccess { _ in writeNext() }
    }

    private func drip(context: ChannelHandlerContext, bytes: [UInt8], offset: Int, interval: TimeAmount) {
        guard active else { return }
        guard offset < bytes.count else {
            context.close(promise: nil)
            return
        }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes[offset..<(offset + 1)])),
                              promise: nil)
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: interval) {
            self.drip(context: context, bytes: bytes, offset: offset + 1, interval: interval)
        }
    }

    /// Closes with SO_LINGER 0 so the peer gets a RST, skipping TLS's close_notify.
    private func reset(context: ChannelHandlerContext) {
        if let provider = context.channel as? any SocketOptionProvider {
            _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        }
        if let tlsContext = try? context.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) {
            // Closing from the TLS handler's context goes straight to the socket.
            tlsContext.close(promise: nil)
        } else {
            context.close(promise: nil)
        }
    }

    /// Bytes that are neither TLS records (first byte 0x14–0x17) nor HTTP.
    static func garbage(allocator: ByteBufferAllocator) -> ByteBuffer {
        var generator = SeededGenerator(seed: 0x6A72_6261_6765)
        var buffer = allocator.buffer(capacity: 512)
        buffer.writeBytes([0x00, 0xFF, 0xFE, 0x7F])
        for _ in 0..<508 { buffer.writeInteger(UInt8(truncatingIfNeeded: generator.next())) }
        return buffer
    }

    /// Parses a request line and headers once the blank line has arrived.
    static func requestHead(in buffer: ByteBuffer) -> (method: String, uri: String, headers: [(String, String)])? {
        let view = buffer.readableBytesView
        let terminator: [UInt8] = [13, 10, 13, 10]
        guard let end = view.firstRange(of: terminator) else { return nil }
        let text = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
        var lines = text.split(separator: "\r\n", omittingEmptySubsequences: false).makeIterator()
        let requestLine = lines.next()?.split(separator: " ") ?? []
        guard requestLine.count >= 2 else { return ("?", "?", []) }
        var headers: [(String, String)] = []
        while let line = lines.next() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        return (String(requestLine[0]), String(requestLine[1]), headers)
    }
}
