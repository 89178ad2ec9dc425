@testable import ExScopeCore
import Testing

@Suite struct TargetTests {
    @Test(arguments: [
        ("192.0.2.7", "192.0.2.7"), ("10.1.0.0/16", "10.1.0.0/16"), ("192.0.2.10-192.0.2.20", "192.0.2.10-192.0.2.20"),
        ("2001:db8::1", "2001:db8::1"), ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"), ("2001:db8::/120", "2001:db8::/120"),
        ("mail.Example.com", "mail.example.com"), ("mail.example.com:8443", "mail.example.com:8443"),
        ("192.0.2.7:443", "192.0.2.7:443"), ("[2001:db8::1]:443", "[2001:db8::1]:443"), ("::ffff:192.0.2.1", "::ffff:c000:201"),
        ("localhost", "localhost"), (" 127.0.0.1 ", "127.0.0.1"),
    ])
    func parsesEveryTargetForm(_ text: String, _ printed: String) throws {
        #expect(try TargetSpec(parsing: text).description == printed)
    }

    @Test(arguments: [
        "", "300.1.1.1", "10.0.0.1/33", "10.0.0.1/24", "10.0.0.9-10.0.0.1", "10.0.0.1-2001:db8::1", "2001:db8::/64",
        "host_with space", "mail.example.com:0", "mail.example.com:70000", "[2001:db8::1", "01.2.3.4", "-leading.example",
        "1.2.3.4:x", "1.2.3", "a..b",
    ])
    func rejectsMalformedTargets(_ text: String) {
        #expect(throws: TargetError.self) { try TargetSpec(parsing: text) }
    }

    @Test func portsParse() throws {
        #expect(try parsePorts("443,8443, 443") == [443, 8443])
        #expect(throws: TargetError.self) { try parsePorts("443,") }
        #expect(throws: TargetError.self) { try parsePorts("0") }
        #expect(throws: TargetError.self) { try parsePorts("https") }
    }

    @Test(arguments: [1, 2, 3, 7, 256, 1000, 65536])
    func permutationVisitsEveryIndexOnce(_ count: Int) {
        let permutation = CyclicPermutation(count: UInt64(count), seed: 42)
        var seen = Set<UInt64>()
        for index in permutation {
            #expect(index < UInt64(count))
            #expect(seen.insert(index).inserted)
        }
        #expect(seen.count == count)
    }

    @Test func permutationScattersNeighbours() {
        // ZMap's point: consecutive probes must not walk a block in order.
        let order = Array(CyclicPermutation(count: 65536, seed: 7).prefix(1000))
        let adjacent = zip(order, order.dropFirst()).filter { $0.0 &+ 1 == $0.1 || $0.1 &+ 1 == $0.0 }.count
        #expect(adjacent < 10)
        #expect(Array(CyclicPermutation(count: 65536, seed: 7).prefix(50)) == Array(order.prefix(50)))
        #expect(Array(CyclicPermutation(count: 65536, seed: 8).prefix(50)) != Array(order.prefix(50)))
    }

    @Test func largeBlocksAreNotExpandedInMemory() throws {
        let plan = try ScanPlan(targets: [try TargetSpec(parsing: "0.0.0.0/0")], ports: [443, 8443],
                                exclusions: .standard, seed: 1)
        #expect(plan.size == 1 << 33)
        var count = 0
        for target in plan.prefix(10_000) {
            count += 1
            #expect(target.port == 443 || target.port == 8443)
        }
        #expect(count == 10_000)
    }

    @Test func shardsSplitTheOrderWithoutOverlap() throws {
        let specs = [try TargetSpec(parsing: "198.19.0.0/24")]
        let whole = try ScanPlan(targets: specs, ports: [443], exclusions: .standard, seed: 9)
        var union: [String] = []
        for shard in 0..<3 {
            let part = try ScanPlan(targets: specs, ports: [443], exclusions: .standard, seed: 9, shard: (shard, 3))
            union += part.map { "\($0.address!)" }
        }
        #expect(union.count == 256)
        #expect(Set(union) == Set(whole.map { "\($0.address!)" }))
    }

    @Test func reservedSpaceIsExcludedUnlessNamed() throws {
        let list = ExclusionList.standard
        let wide = AddressBlock(cidr: "0.0.0.0/0")!
        #expect(list.exclusion(for: IPAddress("10.1.2.3")!, named: wide) != nil)
        #expect(list.exclusion(for: IPAddress("10.1.2.3")!, named: AddressBlock(cidr: "10.1.0.0/16")!) == nil)
        #expect(list.exclusion(for: IPAddress("127.0.0.1")!, named: wide)?.contains("loopback") == true)
        #expect(list.exclusion(for: IPAddress("127.0.0.1")!, named: AddressBlock(cidr: "127.0.0.0/8")!) == nil)
        // Documentation and multicast space is never scanned, even when named.
        #expect(list.exclusion(for: IPAddress("192.0.2.7")!, named: AddressBlock(cidr: "192.0.2.7/32")!) != nil)
        #expect(list.exclusion(for: IPAddress("224.0.0.1")!, named: AddressBlock(cidr: "224.0.0.0/24")!) != nil)
        #expect(list.exclusion(for: IPAddress("8.8.8.8")!, named: wide) == nil)
        #expect(list.exclusion(for: IPAddress("::1")!, named: AddressBlock(cidr: "::/0")!) != nil)
    }

    /// A file saved on Windows ends its lines with CR LF: each line still counts (a leading comment once
    /// swallowed the whole file, so nothing in it was excluded).
    @Test func exclusionFilesWithWindowsLineEndingsExcludeEveryLine() throws {
        var list = ExclusionList.standard
        try list.addUserExclusions("# opt-outs\r\n127.5.0.0/30\r\n127.5.0.8\r\n", source: "optout.txt")
        let named = AddressBlock(cidr: "127.5.0.0/24")!
        #expect(list.exclusion(for: IPAddress("127.5.0.1")!, named: named) == "excluded by optout.txt")
        #expect(list.exclusion(for: IPAddress("127.5.0.8")!, named: named) == "excluded by optout.txt")
        let error = #expect(throws: TargetError.self) { try list.addUserExclusions("127.0.0.1\r\nnot-an-address!\r\n", source: "bad.txt") }
        #expect(error?.reason.hasPrefix("bad.txt:2:") == true)
    }

    /// Opt-out lists name whole IPv6 allocations; only targets are limited to what can be swept. The
    /// whole IPv6 space as a range once overflowed (a crash) as a target and as an exclusion.
    @Test func exclusionsMayBeAnyIPv6PrefixAndTheWholeSpaceIsNoOverflow() throws {
        var list = ExclusionList.standard
        try list.addUserExclusions("2a00:1450::/32\n", source: "optout.txt")
        let named = AddressBlock(cidr: "2a00:1450::/120")!
        #expect(list.exclusion(for: IPAddress("2a00:1450::7")!, named: named) == "excluded by optout.txt")
        try list.addUserExclusions("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff\n", source: "all.txt")
        #expect(throws: TargetError.self) { try TargetSpec(parsing: "2a00:1450::/32") }
        #expect(throws: TargetError.self) { try TargetSpec(parsing: "::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") }
    }

    @Test func userExclusionsWinAndNameTheirLine() throws {
        var list = ExclusionList.standard
        try list.addUserExclusions("# opt-outs\n127.5.0.0/30  # lab\n\n127.5.0.8\n127.5.0.9-127.5.0.10\n", source: "optout.txt")
        let named = AddressBlock(cidr: "127.5.0.0/24")!
        #expect(list.exclusion(for: IPAddress("127.5.0.2")!, named: named) == "excluded by optout.txt")
        #expect(list.exclusion(for: IPAddress("127.5.0.4")!, named: named) == nil)
        #expect(list.exclusion(for: IPAddress("127.5.0.10")!, named: named) != nil)
        #expect(list.exclusion(for: IPAddress("127.5.0.11")!, named: named) == nil)
        do {
            try list.addUserExclusions("127.0.0.1\nnot-an-address!\n", source: "bad.txt")
            Issue.record("accepted a bad line")
        } catch {
            #expect((error as? TargetError)?.reason.hasPrefix("bad.txt:2:") == true)
        }
    }

    @Test func planMarksExcludedTargets() throws {
        var list = ExclusionList.standard
        try list.addUserExclusions("127.6.0.0/29", source: "x")
        let plan = try ScanPlan(targets: [try TargetSpec(parsing: "127.6.0.0/28")], ports: [443], exclusions: list, seed: 3)
        let targets = Array(plan)
        #expect(targets.count == 16)
        #expect(targets.filter { $0.exclusion != nil }.count == 8)
        #expect(targets.allSatisfy { !$0.named })
    }
}
