public import ExScopeCore
import Foundation

/// Runs a prober over many targets with at most `concurrency` hosts in flight and at
/// most `rate` new hosts started per second, handing each outcome to `onResult` as it
/// arrives (one at a time, so a writer needs no lock).
public struct ScanRunner: Sendable {
    public var concurrency: Int
    /// New hosts per second; `nil` for no cap.
    public var rate: Double?
    public let prober: HostProber

    public init(prober: HostProber, concurrency: Int = 256, rate: Double? = nil) {
        self.prober = prober
        self.concurrency = max(1, concurrency)
        self.rate = rate
    }

    /// Scans every target of `targets`.
    ///
    /// `onStart` sees every target taken from the sequence, in order, before it is
    /// scanned or skipped (a checkpoint counts them); `onResult` sees every outcome.
    ///
    /// Excluded targets are never contacted: a named one yields an `excluded` outcome,
    /// an address inside a larger block is only counted in ``Summary/excludedSilently``.
    /// Cancelling the calling task stops starting new hosts and cancels those in flight.
    /// - Returns: counts of what happened.
    @discardableResult
    public func run<Targets: Sequence>(_ targets: Targets, onStart: (ScanTarget) -> Void = { _ in },
                                       onResult: (HostOutcome) async throws -> Void) async rethrows -> Summary
    where Targets.Element == ScanTarget {
        var summary = Summary()
        let clock = ContinuousClock()
        var nextStart = clock.now
        let interval: Duration? = rate.map { .nanoseconds(Int64(1_000_000_000 / max($0, 0.001))) }
        let prober = self.prober
        try await withThrowingTaskGroup(of: HostOutcome.self) { group in
            var inFlight = 0
            for target in targets {
                if Task.isCancelled { break }
                onStart(target)
                if let exclusion = target.exclusion {
                    if target.named {
                        summary.count(.excluded)
                        try await onResult(HostOutcome(target: target, address: target.address, status: .excluded, error: exclusion,
                                                       evidence: HostEvidence(responses: []), profile: nil, startedAt: .now, duration: .zero))
                    } else {
                        summary.excludedSilently += 1
                    }
                    continue
                }
                while inFlight >= concurrency, let outcome = try await group.next() {
                    inFlight -= 1
                    summary.count(outcome.status)
                    try await onResult(outcome)
                }
                if let interval {
                    let now = clock.now
                    if nextStart > now { try? await Task.sleep(until: nextStart, clock: clock) }
                    nextStart = max(nextStart, now) + interval
                }
                group.addTask { await prober.probe(target) }
                inFlight += 1
            }
            while let outcome = try await group.next() {
                summary.count(outcome.status)
                try await onResult(outcome)
            }
        }
        return summary
    }

    /// Counts per status.
    public struct Summary: Sendable, Hashable, Codable {
        public var byStatus: [String: Int] = [:]
        /// Addresses inside a scanned block that an exclusion list covered.
        public var excludedSilently: UInt64 = 0
        public var total: Int { byStatus.values.reduce(0, +) }

        public init() {}

        mutating func count(_ status: ScanStatus) { byStatus[status.rawValue, default: 0] += 1 }
    }
}
