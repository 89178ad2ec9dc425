/// One address (or host name) and port to probe.
public struct ScanTarget: Sendable, Hashable {
    /// The address, or `nil` for a host name that is resolved at scan time.
    public var address: IPAddress?
    /// The name scanned and sent as SNI and Host, if any.
    public var hostname: String?
    public var port: Int
    /// Why the target must not be contacted, or `nil`.
    public var exclusion: String?
    /// Whether the user named this single target (rather than a block holding it).
    public var named: Bool

    public init(address: IPAddress?, hostname: String?, port: Int, exclusion: String? = nil, named: Bool) {
        self.address = address
        self.hostname = hostname
        self.port = port
        self.exclusion = exclusion
        self.named = named
    }
}

/// Every (target, port) of a scan in a pseudo-random order, computed on the fly:
/// blocks are never expanded in memory.
public struct ScanPlan: Sendable, Sequence {
    struct Slot: Sendable {
        var spec: TargetSpec
        var ports: [Int]
        /// Index of this slot's first element in the whole space.
        var offset: UInt64
        var size: UInt64
    }

    let slots: [Slot]
    let exclusions: ExclusionList
    let permutation: CyclicPermutation?
    let shard: (index: Int, count: Int)
    /// The number of (address, port) pairs before sharding.
    public let size: UInt64

    /// - Parameters:
    ///   - targets: what the user named.
    ///   - ports: the default ports; a `host:port` target uses its own port.
    ///   - exclusions: built-in and user exclusions.
    ///   - seed: the order's seed; shards of one scan must share it.
    ///   - shard: `(i, n)` takes every n-th element of the order, starting at i (0-based).
    /// - Throws: ``TargetError`` when the space is empty or larger than ``CyclicPermutation/maximumCount``.
    public init(targets: [TargetSpec], ports: [Int], exclusions: ExclusionList, seed: UInt64,
                shard: (index: Int, count: Int) = (0, 1)) throws {
        guard !ports.isEmpty else { throw TargetError("no ports to scan") }
        guard shard.count >= 1, shard.index >= 0, shard.index < shard.count else {
            throw TargetError("shard \(shard.index)/\(shard.count) is out of range")
        }
        var slots: [Slot] = []
        var total: UInt64 = 0
        for spec in targets {
            let count: UInt128
            let slotPorts: [Int]
            switch spec {
            case .addresses(let block, let port):
                count = block.count
                slotPorts = port.map { [$0] } ?? ports
            case .hostname(_, let port):
                count = 1
                slotPorts = port.map { [$0] } ?? ports
            }
            let size = count * UInt128(slotPorts.count)
            guard size <= UInt128(CyclicPermutation.maximumCount) - UInt128(total) else {
                throw TargetError("the scan holds more than \(CyclicPermutation.maximumCount) address-port pairs; split it")
            }
            slots.append(Slot(spec: spec, ports: slotPorts, offset: total, size: UInt64(size)))
            total += UInt64(size)
        }
        guard total > 0 else { throw TargetError("no targets") }
        self.slots = slots
        self.exclusions = exclusions
        self.size = total
        self.shard = shard
        permutation = total > 1 ? CyclicPermutation(count: total, seed: seed) : nil
    }

    /// The target at position `index` of the unpermuted space.
    func target(at index: UInt64) -> ScanTarget {
        var low = 0, high = slots.count
        while low < high {
            let mid = (low + high) / 2
            if slots[mid].offset <= index { low = mid + 1 } else { high = mid }
        }
        let slot = slots[low - 1]
        let local = index - slot.offset
        let port = slot.ports[Int(local % UInt64(slot.ports.count))]
        let addressIndex = local / UInt64(slot.ports.count)
        switch slot.spec {
        case .addresses(let block, _):
            let address = block[UInt128(addressIndex)]
            return ScanTarget(address: address, hostname: nil, port: port,
                              exclusion: exclusions.exclusion(for: address, named: block), named: block.count == 1)
        case .hostname(let name, _):
            return ScanTarget(address: nil, hostname: name, port: port, named: true)
        }
    }

    public func makeIterator() -> Iterator { Iterator(plan: self) }

    public struct Iterator: IteratorProtocol {
        let plan: ScanPlan
        var order: CyclicPermutation.Iterator?
        var position: UInt64 = 0
        var done = false

        init(plan: ScanPlan) {
            self.plan = plan
            order = plan.permutation?.makeIterator()
        }

        public mutating func next() -> ScanTarget? {
            while !done {
                let index: UInt64
                if order != nil {
                    guard let next = order?.next() else { done = true; return nil }
                    index = next
                } else {
                    guard position == 0 else { done = true; return nil }
                    index = 0
                }
                defer { position += 1 }
                if Int(position % UInt64(plan.shard.count)) == plan.shard.index {
                    return plan.target(at: index)
                }
            }
            return nil
        }
    }
}

/// Parses `-p 443,8443` into ports.
public func parsePorts(_ text: String) throws -> [Int] {
    var ports: [Int] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
        let trimmed = part.trimmingASCIIWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 5, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(trimmed), (1...65535).contains(port)
        else { throw TargetError("'\(TargetError.printable(text))' is not a port list like 443,8443 (each 1-65535)") }
        if !ports.contains(port) { ports.append(port) }
    }
    return ports
}
