import Foundation
import Synchronization

/// One request a simulated host received.
public struct RequestRecord: Sendable, Hashable {
    /// The simulated address that received it, e.g. `127.10.0.7`.
    public var address: String
    /// The method, e.g. `GET`.
    public var method: String
    /// The request target as sent.
    public var uri: String
    /// The `Host` header, if any.
    public var host: String?
    /// The `User-Agent` header, if any.
    public var userAgent: String?
    /// The scheme of the `Authorization` header (`NTLM`, `Bearer`, …), if any.
    public var authorizationScheme: String?
}

/// Counts connections and requests per simulated address and path, and keeps the
/// most recent requests. Safe to read from tests while the simulator runs.
///
/// Connections are counted when accepted (before TLS), so a host that hangs, drips
/// or fails TLS is still seen as contacted. Addresses with nothing listening
/// (``HostileMode/refuse``) cannot record anything: the kernel refuses for them.
public final class RequestLog: Sendable {
    private struct Storage {
        var connections: [Int]
        var requests: [Int]
        var paths: [[String: Int]]
        var recent: [RequestRecord] = []
        var recentStart = 0
    }

    private let addresses: [String]
    private let indexByAddress: [String: Int]
    private let capacity: Int
    private let storage: Mutex<Storage>

    /// Creates a log for `addresses`.
    /// - Parameters:
    ///   - addresses: the simulated addresses, by host index.
    ///   - capacity: how many recent requests to keep in full (older ones still count).
    public init(addresses: [String], capacity: Int = 100_000) {
        self.addresses = addresses
        var index: [String: Int] = [:]
        for (offset, address) in addresses.enumerated() { index[address] = offset }
        self.indexByAddress = index
        self.capacity = max(0, capacity)
        self.storage = Mutex(Storage(connections: Array(repeating: 0, count: addresses.count),
                                     requests: Array(repeating: 0, count: addresses.count),
                                     paths: Array(repeating: [:], count: addresses.count)))
    }

    // MARK: Recording (called by the servers)

    func recordConnection(host: Int) {
        storage.withLock { $0.connections[host] += 1 }
    }

    func recordRequest(host: Int, method: String, uri: String, headers: [(String, String)]) {
        let header = SimulatedRequest(method: method, uri: uri, headers: headers).header
        let path = String(uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        let scheme = header("Authorization").flatMap { $0.split(separator: " ").first.map(String.init) }
        let record = RequestRecord(address: addresses[host], method: method, uri: uri, host: header("Host"),
                                   userAgent: header("User-Agent"), authorizationScheme: scheme)
        let capacity = capacity
        storage.withLock { storage in
            storage.requests[host] += 1
            storage.paths[host][path, default: 0] += 1
            guard capacity > 0 else { return }
            if storage.recent.count < capacity {
                storage.recent.append(record)
            } else {
                storage.recent[storage.recentStart] = record
                storage.recentStart = (storage.recentStart + 1) % capacity
            }
        }
    }

    // MARK: Reading (for tests)

    /// Connections accepted on `address`.
    public func connections(to address: String) -> Int {
        guard let index = indexByAddress[address] else { return 0 }
        return storage.withLock { $0.connections[index] }
    }

    /// Requests received on `address`.
    public func requests(to address: String) -> Int {
        guard let index = indexByAddress[address] else { return 0 }
        return storage.withLock { $0.requests[index] }
    }

    /// Requests received on `address` for `path` (the request target without its query, case as sent).
    public func requests(to address: String, path: String) -> Int {
        guard let index = indexByAddress[address] else { return 0 }
        return storage.withLock { $0.paths[index][path] ?? 0 }
    }

    /// Requests per path (query stripped, case as sent) received on `address`.
    public func paths(for address: String) -> [String: Int] {
        guard let index = indexByAddress[address] else { return [:] }
        return storage.withLock { $0.paths[index] }
    }

    /// All connections accepted.
    public var totalConnections: Int { storage.withLock { $0.connections.reduce(0, +) } }

    /// All requests received.
    public var totalRequests: Int { storage.withLock { $0.requests.reduce(0, +) } }

    /// The addresses that accepted at least one connection.
    public var contactedAddresses: Set<String> {
        storage.withLock { storage in
            Set(storage.connections.indices.filter { storage.connections[$0] > 0 }.map { addresses[$0] })
        }
    }

    /// The most recent requests (up to the capacity), oldest first.
    public var recentRequests: [RequestRecord] {
        storage.withLock { storage in
            Array(storage.recent[storage.recentStart...] + storage.recent[..<storage.recentStart])
        }
    }

    /// Clears every counter and record.
    public func reset() {
        storage.withLock { storage in
            storage.connections = Array(repeating: 0, count: addresses.count)
            storage.requests = Array(repeating: 0, count: addresses.count)
            storage.paths = Array(repeating: [:], count: addresses.count)
            storage.recent = []
            storage.recentStart = 0
        }
    }
}
