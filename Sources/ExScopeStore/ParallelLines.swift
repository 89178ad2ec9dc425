import Dispatch
import Foundation

/// A line that ``ParallelLines``' transform rejected, numbered from 1 like an editor does.
public struct LineFailure: Error {
    public let line: Int
    public let error: any Error
}

/// Reads a buffer of text lines ahead of its consumer: the buffer is cut into chunks of whole
/// lines, each chunk is transformed on a worker thread (as many at once as there are cores), and
/// ``next()`` hands the results back in line order. Import uses it so that decoding and locating
/// run beside the thread that writes the store.
public final class ParallelLines<Element: Sendable>: @unchecked Sendable {
    /// What one chunk produced: its elements, its line count, and the first failure in it.
    private struct Chunk {
        var elements: [Element] = []
        var lines = 0
        var failure: (line: Int, error: any Error)?
        /// Where the chunk's bytes end.
        var end = 0
    }

    private let base: UnsafePointer<UInt8>?
    private let count: Int
    private let owner: AnyObject
    private let transform: @Sendable (UnsafeBufferPointer<UInt8>) throws -> Element?
    private let chunkBytes: Int
    private let window: Int
    /// One serial queue per core, each given every so many chunks. Queues of their own, unlike the
    /// global queue, get threads beside the consumer's: the global queue runs no more threads than
    /// there are cores, and counts the consumer's (a worker of the same pool) among them, so on two
    /// cores only one chunk was transformed at a time, while the consumer waited for it.
    private let workers: [DispatchQueue]
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var finished: [Int: Chunk] = [:]
    // Used by the consumer only.
    private var scheduled = 0
    private var scheduledEnd = 0
    /// How many chunks ``next()`` has handed back so far.
    private(set) var delivered = 0
    /// How many bytes of the buffer the elements handed back so far came from, for progress:
    /// whole chunks, counted when ``next()`` starts handing one back.
    public private(set) var consumedBytes = 0
    /// The buffer's size.
    public var byteCount: Int { count }
    private var lineBase = 0
    private var current: [Element] = []
    private var position = 0
    private var pending: LineFailure?

    /// - Parameters:
    ///   - bytes: the lines, separated by `\n`; they must stay valid while `owner` lives.
    ///   - owner: the object that owns `bytes` (kept alive as long as workers read them).
    ///   - chunkBytes: about how many bytes each worker takes at once.
    ///   - transform: turns one line (without its `\n`) into an element, or nil to skip it;
    ///     it runs on several threads at once. What it throws stops the reading at that line.
    public init(bytes: UnsafeRawBufferPointer, owner: AnyObject, chunkBytes: Int = 1 << 19,
                transform: @escaping @Sendable (UnsafeBufferPointer<UInt8>) throws -> Element?) {
        base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        count = bytes.count
        self.owner = owner
        self.chunkBytes = max(1, chunkBytes)
        self.transform = transform
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        // Chunks go to the queues in turn, so a queue that finishes its share of the window early waits
        // while the consumer waits for the other: 16 chunks a core kept both busier than 4 did.
        window = 16 * cores
        workers = (0..<cores).map { DispatchQueue(label: "exscope.lines.\($0)") }
    }

    /// The next element in line order, or nil after the last line.
    /// - Throws: ``LineFailure`` for the first line (in line order) whose transform threw.
    public func next() throws -> Element? {
        while position == current.count {
            // The elements before a failed line come first, then the failure.
            if let pending { throw pending }
            guard let chunk = nextChunk() else { return nil }
            pending = chunk.failure.map { LineFailure(line: lineBase + $0.line, error: $0.error) }
            lineBase += chunk.lines
            consumedBytes = chunk.end
            // The chunk handed back is freed by the worker that made it (chunk `delivered - 2`): a thread
            // freeing memory another thread allocated waits for that thread's allocator lock (glibc),
            // and the consumer did so for about half of its waits.
            let done = current
            current = chunk.elements
            workers[max(0, delivered - 2) % workers.count].async { withExtendedLifetime(done) {} }
            position = 0
        }
        defer { position += 1 }
        return current[position]
    }

    /// The first element, read on the calling thread without starting the workers (to look at a
    /// file before reading it all).
    /// - Throws: ``LineFailure`` when a line before the first element is rejected.
    public func first() throws -> Element? {
        let chunk = read(from: 0, to: count, stopAtFirst: true)
        if let failure = chunk.failure { throw LineFailure(line: failure.line, error: failure.error) }
        return chunk.elements.first
    }

    private func nextChunk() -> Chunk? {
        while scheduled < delivered + window, let base, scheduledEnd < count {
            let start = scheduledEnd
            var end = count
            if start + chunkBytes < count, let newline = memchr(base + start + chunkBytes - 1, 0x0A, count - start - chunkBytes + 1) {
                end = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
            }
            let index = scheduled
            scheduled += 1
            scheduledEnd = end
            workers[index % workers.count].async { [self, end] in
                let chunk = self.read(from: start, to: end)
                self.condition.lock()
                self.finished[index] = chunk
                self.condition.broadcast()
                self.condition.unlock()
            }
        }
        guard delivered < scheduled else { return nil }
        condition.lock()
        defer { condition.unlock() }
        while finished[delivered] == nil { condition.wait() }
        let chunk = finished.removeValue(forKey: delivered)
        delivered += 1
        return chunk
    }

    /// Transforms the lines of one chunk until the first failure (or the first element).
    private func read(from first: Int, to end: Int, stopAtFirst: Bool = false) -> Chunk {
        var chunk = Chunk(end: end)
        guard let base else { return chunk }
        var offset = first
        while offset < end {
            let newline = memchr(base + offset, 0x0A, end - offset).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
            chunk.lines += 1
            do {
                if let element = try transform(UnsafeBufferPointer(start: base + offset, count: newline - offset)) {
                    chunk.elements.append(element)
                    if stopAtFirst { return chunk }
                }
            } catch {
                chunk.failure = (chunk.lines, error)
                return chunk
            }
            offset = newline + 1
        }
        return chunk
    }
}
