import ExScopeCore

/// Wall-clock timing on one core, with warm-up and repetitions.
enum Timing {
    static func measure(_ body: () throws -> Void) rethrows -> Duration {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return clock.now - start
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    static func format(_ value: Double, decimals: Int = 1) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return String(rounded)
    }

    static func grouped(_ value: Int) -> String {
        let digits = Array(String(value))
        var out = ""
        for (i, digit) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}

/// Issue 2: the default catalog loads in under 50 ms.
enum CatalogBench {
    static func run() throws {
        var times: [Double] = []
        for _ in 0..<20 {
            let elapsed = try Timing.measure { _ = try Catalog.bundled() }
            times.append(Timing.seconds(elapsed) * 1000)
        }
        times.sort()
        print("catalog load: median \(Timing.format(times[times.count / 2], decimals: 2)) ms, "
            + "max \(Timing.format(times[times.count - 1], decimals: 2)) ms over \(times.count) loads (target < 50 ms)")
    }
}

/// Issue 2: the verdict function classifies at least 1,000,000 version strings per second on one core.
enum VerdictBench {
    static func run() throws {
        let catalog = try Catalog.bundled()
        let inputs = makeInputs(count: 1_000_000, catalog: catalog)
        let asOf = CalendarDate(year: 2026, month: 11, day: 27)!
        var best = Double.infinity
        var checksum = 0
        for _ in 0..<5 {
            let elapsed = Timing.measure {
                for input in inputs {
                    if let verdict = try? catalog.verdict(for: input, asOf: asOf) {
                        checksum &+= verdict.findings.count &+ verdict.findings[0].status.hashValue
                    } else {
                        checksum &+= 1
                    }
                }
            }
            best = min(best, Timing.seconds(elapsed))
        }
        let rate = Int(Double(inputs.count) / best)
        print("verdict: \(Timing.grouped(rate)) version strings/s on one core, "
            + "\(Timing.format(best * 1e9 / Double(inputs.count), decimals: 0)) ns each (target >= 1,000,000/s) [checksum \(checksum & 0xFF)]")
    }

    /// A realistic mix: known builds, unknown revisions, padded, three-part,
    /// AdminDisplayVersion and garbage. Deterministic (SplitMix64).
    static func makeInputs(count: Int, catalog: Catalog) -> [String] {
        var known: [BuildNumber] = []
        for product in catalog.products {
            for line in product.lines {
                known.append(line.base)
                known.append(contentsOf: line.updates.map(\.build))
            }
        }
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var inputs: [String] = []
        inputs.reserveCapacity(count)
        for _ in 0..<count {
            let build = known[Int(next() % UInt64(known.count))]
            switch next() % 10 {
            case 0: inputs.append("\(build.major).\(build.minor).\(build.build).\(build.revision + Int(next() % 5))")
            case 1: inputs.append("\(build.major).0\(build.minor).\(build.build).0\(build.revision)")
            case 2: inputs.append(build.cuPrefix)
            case 3: inputs.append("Version \(build.major).\(build.minor) (Build \(build.build).\(build.revision))")
            case 4: inputs.append("not a build")
            default: inputs.append(build.description)
            }
        }
        return inputs
    }
}
