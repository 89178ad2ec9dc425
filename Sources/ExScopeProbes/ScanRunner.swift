public import ExScopeCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Runs a prober over many targets with at most `concurrency` hosts in flight and at
/// most `rate` new hosts started per second.
///
/// Targets are taken by a producer task; every event (a target taken, a result) reaches the
/// caller's callbacks in one task, in order, as soon as it happens — so a writer and a
/// checkpoint need no lock, and results are written as they arrive.
public struct ScanRunner: Sendable {
    public var concurrency: Int
    /// New hosts per second; `nil` for no cap.
    public var rate: Double?
    public let prober: HostProber
    /// Whether the caller wants no new target (Ctrl-C): checked while waiting for the next start under
    /// `rate`, so a slow scan stops at once and the target waited for is not taken.
    public var isStopping: @Sendable () -> Bool = { false }

    public init(prober: HostProber, concurrency: Int = 256, rate: Double? = nil) {
        self.prober = prober
        self.concurrency = max(1, concurrency)
        self.rate = rate
    }

    enum Event: Sendable {
        /// A target was taken from the sequence (it is scanned, or excluded and named).
        case taken(ScanTarget)
        /// `count` targets inside scanned blocks were skipped by exclusions.
        case skipped(Int)
        case finished(HostOutcome)
    }

    /// Scans every target of `targets`.
    ///
    /// Excluded targets are never contacted: a named one yields an `excluded` outcome,
    /// an address inside a larger block is only counted in ``Summary/excludedSilently``.
    /// `onTaken` sees how many targets were taken from the sequence, in order (a checkpoint
    /// keeps that position), with the target when it will produce an outcome; `onResult`
    /// sees every outcome. If `onResult` throws, scanning stops and the error is rethrown.
    /// Cancelling the calling task stops taking targets; hosts in flight finish.
    ///
    /// An outcome that ``HostOutcome/failedLocally`` (this machine ran out of descriptors, memory or
    /// local ports) is not a result: it is neither counted nor passed to `onResult`, since the target was
    /// never really tried. The first one stops the taking of targets; the hosts in flight finish and
    /// their results are passed on; then the run throws ``LocalFailure``.
    @discardableResult
    public func run<Targets: Sequence & Sendable>(
        _ targets: Targets, onTaken: (Int, ScanTarget?) -> Void = { _, _ in },
        onResult: (HostOutcome) async throws -> Void
    ) async throws -> Summary where Targets.Element == ScanTarget {
        let (events, continuation) = AsyncStream.makeStream(of: Event.self)
        // One credit per result handled: the producer starts a host only when fewer than
        // `concurrency` are probing or waiting to be handled, so a slow writer holds memory flat.
        let (credits, creditor) = AsyncStream.makeStream(of: Void.self)
        defer { creditor.finish() }
        let producer = Task { [concurrency, rate, prober, isStopping] in
            await Self.produce(targets, concurrency: concurrency, rate: rate, prober: prober, isStopping: isStopping,
                               credits: credits, into: continuation)
            continuation.finish()
        }
        var summary = Summary()
        var localFailure: String?
        do {
            for await event in events {
                switch event {
                case .taken(let target):
                    onTaken(1, target)
                    if let exclusion = target.exclusion {
                        summary.count(.excluded)
                        try await onResult(HostOutcome(target: target, address: target.address, status: .excluded, error: exclusion,
                                                       evidence: HostEvidence(responses: []), profile: nil, startedAt: .now, duration: .zero))
                        creditor.yield()
                    }
                case .skipped(let count):
                    onTaken(count, nil)
                    summary.excludedSilently += UInt64(count)
                case .finished(let outcome):
                    if outcome.failedLocally {
                        if localFailure == nil {
                            localFailure = outcome.error ?? "a failure of this machine"
                            // Stop taking targets; the hosts in flight finish.
                            producer.cancel()
                        }
                    } else {
                        summary.count(outcome.status)
                        try await onResult(outcome)
                    }
                    creditor.yield()
                }
            }
        } catch {
            producer.cancel()
            // Let hosts in flight end before returning, so nothing is left running.
            for await _ in events {}
            throw error
        }
        _ = await producer.value
        if let localFailure { throw LocalFailure(reason: localFailure, summary: summary) }
        return summary
    }

    /// The run stopped because this machine could not open or watch a connection: every outcome
    /// before it and every host that was in flight were passed on; the targets that failed were not.
    public struct LocalFailure: Error, Sendable {
        /// The first local failure, e.g. `opening a socket failed on this machine: Too many open files`.
        public let reason: String
        /// What was counted before the run stopped.
        public let summary: Summary
    }

    private static func produce<Targets: Sequence>(_ targets: Targets, concurrency: Int, rate: Double?, prober: HostProber,
                                                    isStopping: @escaping @Sendable () -> Bool,
                                                    credits: AsyncStream<Void>, into continuation: AsyncStream<Event>.Continuation) async
    where Targets.Element == ScanTarget {
        let clock = ContinuousClock()
        var nextStart = clock.now
        let interval: Duration? = rate.map { .nanoseconds(Int64(1_000_000_000 / max($0, 0.001))) }
        var skipped = 0
        func flushSkipped() {
            if skipped > 0 { continuation.yield(.skipped(skipped)) }
            skipped = 0
        }
        await withDiscardingTaskGroup { group in
            // A fixed set of workers takes targets from a hand-off: a task per target would be created and torn
            // down for every address of a sweep, and a task group's bookkeeping grows with its children.
            let handoff = Handoff()
            var workers = 0
            var available = concurrency
            var credit = credits.makeAsyncIterator()
            for target in targets {
                if Task.isCancelled { break }
                if target.exclusion != nil && !target.named {
                    skipped += 1
                    if skipped == 4096 { flushSkipped() }
                    continue
                }
                flushSkipped()
                // A named excluded target costs a credit too: its outcome waits to be handled.
                while available == 0 {
                    guard await credit.next() != nil else { break }
                    available += 1
                }
                if available == 0 { break }
                // Paced before it is taken: a stop while waiting leaves the target untaken (a resume starts with it).
                if target.exclusion == nil, let interval {
                    let now = clock.now
                    guard await Self.wait(until: nextStart, clock: clock, unless: isStopping) else { break }
                    nextStart = max(nextStart, now) + interval
                }
                available -= 1
                continuation.yield(.taken(target))
                if target.exclusion != nil { continue }
                if !handoff.give(target) && workers < concurrency {
                    workers += 1
                    group.addTask {
                        while let next = await handoff.take() { continuation.yield(.finished(await prober.probe(next))) }
                    }
                }
            }
            flushSkipped()
            // Targets already handed over are still scanned: they were reported as taken.
            handoff.finish()
        }
    }

    /// Sleeps until `deadline` in slices of at most 100 ms; false as soon as `stopping` says so or the task is cancelled.
    private static func wait(until deadline: ContinuousClock.Instant, clock: ContinuousClock, unless stopping: () -> Bool) async -> Bool {
        while clock.now < deadline {
            if stopping() || Task.isCancelled { return false }
            try? await Task.sleep(until: min(deadline, clock.now + .milliseconds(100)), clock: clock)
        }
        return !stopping()
    }

    /// Targets from the producer to idle workers, in order.
    final class Handoff: Sendable {
        private struct State {
            var queue = CircularBuffer<ScanTarget>()
            var idle = CircularBuffer<CheckedContinuation<ScanTarget?, Never>>()
            var finished = false
        }

        private let state = NIOLockedValueBox(State())

        /// Passes `target` to an idle worker, or queues it; returns whether a worker was idle.
        func give(_ target: ScanTarget) -> Bool {
            let worker = state.withLockedValue { state -> CheckedContinuation<ScanTarget?, Never>? in
                if let worker = state.idle.popFirst() { return worker }
                state.queue.append(target)
                return nil
            }
            worker?.resume(returning: target)
            return worker != nil
        }

        /// The next target; `nil` once ``finish()`` was called and the queue is empty.
        func take() async -> ScanTarget? {
            if let target = state.withLockedValue({ $0.queue.popFirst() }) { return target }
            return await withCheckedContinuation { worker in
                let ready: ScanTarget?? = state.withLockedValue { state in
                    if let target = state.queue.popFirst() { return .some(target) }
                    if state.finished { return .some(nil) }
                    state.idle.append(worker)
                    return nil
                }
                if let ready { worker.resume(returning: ready) }
            }
        }

        /// No more targets: idle workers end, busy ones end after the queue is empty.
        func finish() {
            let idle = state.withLockedValue { state in
                state.finished = true
                defer { state.idle.removeAll() }
                return Array(state.idle)
            }
            for worker in idle { worker.resume(returning: nil) }
        }
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
