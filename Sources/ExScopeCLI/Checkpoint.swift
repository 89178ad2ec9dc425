import ExScopeCore
import Foundation

/// The state that lets a killed scan continue: how many targets of the (deterministic)
/// target sequence were taken, which of those were still in flight, and how long the
/// output file was at that moment. Never a set of finished targets, so it stays small.
///
/// Resuming truncates the output to `outputBytes`, rescans `inFlight`, then continues
/// after `position`: every target finished after the checkpoint is either in flight
/// or after the position, so none is lost and none is written twice.
struct Checkpoint: Codable {
    struct Target: Codable, Hashable {
        var ip: String?
        var hostname: String?
        var port: Int
    }

    var schema = "exscope.checkpoint/1"
    /// Identifies the scan's arguments; a resume with other arguments is refused.
    var fingerprint: String
    var position: UInt64
    var inFlight: [Target]
    var outputBytes: UInt64

    static func path(for output: String) -> String { output + ".checkpoint" }

    /// Writes atomically (temporary file, then rename), so a kill leaves the old or the new one.
    func save(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(self)
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw ExScopeFailure.runFailure("cannot write checkpoint \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            throw ExScopeFailure.runFailure("cannot write checkpoint \(path): \(String(cString: strerror(errno)))")
        }
    }

    static func load(from path: String) throws -> Checkpoint {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExScopeFailure.badInput("--resume: no checkpoint at \(path)")
        }
        do {
            let checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
            guard checkpoint.schema == "exscope.checkpoint/1" else { throw CocoaError(.coderInvalidValue) }
            return checkpoint
        } catch {
            throw ExScopeFailure.badInput("--resume: checkpoint \(path) is corrupt")
        }
    }
}

extension Checkpoint.Target {
    init(_ target: ScanTarget) {
        ip = target.address?.description
        hostname = target.hostname
        port = target.port
    }

    var scanTarget: ScanTarget {
        ScanTarget(address: ip.flatMap { IPAddress($0) }, hostname: hostname, port: port, named: true)
    }
}

/// Targets from the command line, then from the input file, then nothing: one sequence,
/// so a single position describes progress through both.
// Sendable by contract: the scan runner's producer task is the only one that iterates it
// (FileTargets reads its file from that task alone).
struct ChainedTargets: Sequence, @unchecked Sendable {
    var first: ScanPlan?
    var second: FileTargets?
    /// Stops the sequence early (SIGINT): in-flight hosts still finish.
    let stop: StopFlag
    /// On resume: targets the killed run had in flight, scanned first.
    var replay: [ScanTarget] = []
    /// On resume: how many targets of the sequence the killed run had taken.
    var skip: UInt64 = 0

    func makeIterator() -> Iterator {
        var iterator = Iterator(first: first?.makeIterator(), second: second?.makeIterator(), stop: stop, replay: replay[...])
        // Walking the permutation is cheap (a multiplication per step), so skipping needs no index.
        // A checkpoint's position past the end (a damaged or foreign file) stops at the end.
        var skipped: UInt64 = 0
        while skipped < skip, iterator.nextInOrder() != nil { skipped += 1 }
        return iterator
    }

    struct Iterator: IteratorProtocol {
        var first: ScanPlan.Iterator?
        var second: FileTargets.Iterator?
        let stop: StopFlag
        var replay: ArraySlice<ScanTarget>

        mutating func next() -> ScanTarget? {
            guard !stop.isSet else { return nil }
            if let target = replay.popFirst() { return target }
            return nextInOrder()
        }

        mutating func nextInOrder() -> ScanTarget? {
            if let target = first?.next() { return target }
            first = nil
            return second?.next()
        }
    }
}

/// A flag set from a signal handler and read by the scan loop.
final class StopFlag: @unchecked Sendable {
    // A plain word behind a lock: set once from the SIGINT handler's queue, read by the scan task.
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }

    /// Sets the flag; returns whether it was set already.
    @discardableResult
    func set() -> Bool {
        lock.withLock {
            defer { value = true }
            return value
        }
    }
}
