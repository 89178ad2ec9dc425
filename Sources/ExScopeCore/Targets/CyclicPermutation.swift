/// Visits every number in `0..<count` exactly once in a pseudo-random order,
/// holding O(1) state, like ZMap: iterate x ← g·x mod p in the multiplicative group
/// of a prime p > count with a primitive root g, skipping values above `count`.
///
/// Consecutive indices land far apart, so no network sees a burst.
public struct CyclicPermutation: Sendable, Sequence {
    public let count: UInt64
    let prime: UInt64
    let generator: UInt64
    let start: UInt64

    /// The largest index space supported (2^40: every IPv4 address on 256 ports).
    public static let maximumCount: UInt64 = 1 << 40

    /// - Parameters:
    ///   - count: the size of the index space, at least 1 and at most ``maximumCount``.
    ///   - seed: picks the generator and the starting point; the same seed gives the same order.
    public init(count: UInt64, seed: UInt64) {
        precondition(count >= 1 && count <= Self.maximumCount, "index space out of range")
        self.count = count
        // p > count + 1 so that the group {1..p-1} holds 1...count (index = value - 1).
        var candidate = Swift.max(count + 2, 3)
        while !Self.isPrime(candidate) { candidate += 1 }
        prime = candidate
        let factors = Self.primeFactors(candidate - 1)
        var state = seed
        var g: UInt64 = 2
        // A random primitive root: a random element whose order is p-1.
        for _ in 0..<10_000 {
            g = 2 + Self.splitMix(&state) % Swift.max(1, candidate - 3)
            if factors.allSatisfy({ Self.power(g, (candidate - 1) / $0, candidate) != 1 }) { break }
        }
        generator = g
        start = 1 + Self.splitMix(&state) % (candidate - 1)
    }

    public func makeIterator() -> Iterator { Iterator(permutation: self) }

    public struct Iterator: IteratorProtocol {
        let permutation: CyclicPermutation
        var current: UInt64
        var emitted: UInt64 = 0
        var started = false

        init(permutation: CyclicPermutation) {
            self.permutation = permutation
            current = permutation.start
        }

        public mutating func next() -> UInt64? {
            guard emitted < permutation.count else { return nil }
            while true {
                if started {
                    current = CyclicPermutation.multiply(current, permutation.generator, permutation.prime)
                }
                started = true
                if current <= permutation.count {
                    emitted += 1
                    return current - 1
                }
            }
        }
    }

    static func multiply(_ a: UInt64, _ b: UInt64, _ modulus: UInt64) -> UInt64 {
        let (high, low) = a.multipliedFullWidth(by: b)
        return modulus.dividingFullWidth((high, low)).remainder
    }

    static func power(_ base: UInt64, _ exponent: UInt64, _ modulus: UInt64) -> UInt64 {
        var result: UInt64 = 1, base = base % modulus, exponent = exponent
        while exponent > 0 {
            if exponent & 1 == 1 { result = multiply(result, base, modulus) }
            base = multiply(base, base, modulus)
            exponent >>= 1
        }
        return result
    }

    /// Deterministic Miller–Rabin for 64-bit numbers.
    static func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        for p: UInt64 in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] where n % p == 0 { return n == p }
        var d = n - 1, r = 0
        while d & 1 == 0 { d >>= 1; r += 1 }
        witnesses: for a: UInt64 in [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
            var x = power(a, d, n)
            if x == 1 || x == n - 1 { continue }
            for _ in 0..<Swift.max(0, r - 1) {
                x = multiply(x, x, n)
                if x == n - 1 { continue witnesses }
            }
            return false
        }
        return true
    }

    static func primeFactors(_ n: UInt64) -> [UInt64] {
        var factors: [UInt64] = []
        var n = n, d: UInt64 = 2
        while d * d <= n {
            if n % d == 0 {
                factors.append(d)
                while n % d == 0 { n /= d }
            }
            d += d == 2 ? 1 : 2
        }
        if n > 1 { factors.append(n) }
        return factors
    }

    static func splitMix(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
