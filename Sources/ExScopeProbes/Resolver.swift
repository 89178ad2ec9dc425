import ExScopeCore
import Foundation
import NIOPosix

/// Resolves host names with the system resolver, off the event loops.
enum Resolver {
    static func resolve(_ name: String) async throws(ProbeError) -> [IPAddress] {
        let result: Result<[IPAddress], ProbeError>
        do {
            result = try await NIOThreadPool.singleton.runIfActive { lookup(name) }
        } catch {
            throw ProbeError(.dnsError, "cannot resolve \(name): resolver unavailable")
        }
        return try result.get()
    }

    private static func lookup(_ name: String) -> Result<[IPAddress], ProbeError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(name, nil, &hints, &list)
        guard code == 0, let first = list else {
            return .failure(ProbeError(.dnsError, "cannot resolve \(name): \(String(cString: gai_strerror(code)))"))
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            if let socketAddress = entry.pointee.ai_addr {
                var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
                switch Int32(socketAddress.pointee.sa_family) {
                case AF_INET:
                    socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count))
                    }
                case AF_INET6:
                    socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                        var address = pointer.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count))
                    }
                default:
                    break
                }
                let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if let address = IPAddress(text), !addresses.contains(address) { addresses.append(address) }
            }
            cursor = entry.pointee.ai_next
        }
        return addresses.isEmpty ? .failure(ProbeError(.dnsError, "\(name) has no addresses")) : .success(addresses)
    }
}
