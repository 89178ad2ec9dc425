@testable import ExScopeStore
import Foundation
import Testing

/// Owns the bytes the reader walks over (workers may still read them after the reader threw).
final class Lines {
    let bytes: UnsafeMutableRawBufferPointer
    init(_ text: String) {
        bytes = .allocate(byteCount: text.utf8.count, alignment: 1)
        bytes.copyBytes(from: text.utf8)
    }
    deinit { bytes.deallocate() }
}

/// Reads every element a `ParallelLines` over `text` yields, parsing each line as an integer, and
/// how many chunks it was cut into.
func readAll(_ text: String, chunkBytes: Int) throws -> (numbers: [Int], chunks: Int) {
    let lines = Lines(text)
    let reader = ParallelLines<Int>(bytes: UnsafeRawBufferPointer(lines.bytes), owner: lines, chunkBytes: chunkBytes) { line in
        let text = String(decoding: line, as: UTF8.self)
        if text.isEmpty { return nil }
        guard let number = Int(text) else { throw StoreError("not a number: \(text)") }
        return number
    }
    var result: [Int] = []
    while let number = try reader.next() { result.append(number) }
    return (result, reader.delivered)
}

@Suite struct ParallelLinesTests {
    /// Chunk sizes from one byte to a few kilobytes: each cuts the texts below into several chunks
    /// (the tests check it), so lines meet chunk boundaries at every size.
    static let chunkSizes = [1, 7, 64, 4096]

    @Test(arguments: chunkSizes)
    func handsBackEveryLineInOrderWhateverTheChunkSize(chunkBytes: Int) throws {
        let numbers = Array(0..<5_000)
        let text = numbers.map(String.init).joined(separator: "\n") + "\n\n"
        let read = try readAll(text, chunkBytes: chunkBytes)
        #expect(read.numbers == numbers)
        #expect(read.chunks >= 5)
        #expect(try readAll("1\n2", chunkBytes: chunkBytes).numbers == [1, 2])
        #expect(try readAll("", chunkBytes: chunkBytes).numbers == [])
    }

    @Test(arguments: chunkSizes)
    func namesTheFirstBadLineEvenWhenLaterChunksFailToo(chunkBytes: Int) throws {
        var lines = (1...3_000).map(String.init)
        // The bad lines below are in different chunks: the text before each spans at least one chunk more.
        let before = { (line: Int) in lines[..<line].joined(separator: "\n") }
        #expect(try readAll(before(1_234), chunkBytes: chunkBytes).chunks >= 2)
        #expect(try readAll(before(2_500), chunkBytes: chunkBytes).chunks > (try readAll(before(1_234), chunkBytes: chunkBytes).chunks))
        lines[1_234] = "x"      // line 1,235
        lines[2_500] = "y"      // a later failure, decoded first or not
        lines.insert("", at: 10) // blank lines count as lines
        do {
            _ = try readAll(lines.joined(separator: "\n"), chunkBytes: chunkBytes)
            Issue.record("no failure")
        } catch let failure as LineFailure {
            #expect(failure.line == 1_236)
            #expect((failure.error as? StoreError)?.message == "not a number: x")
        }
    }

    @Test func firstReadsOnlyUpToTheFirstElement() throws {
        let lines = Lines("\n\n42\nnot a number\n")
        let reader = ParallelLines<Int>(bytes: UnsafeRawBufferPointer(lines.bytes), owner: lines) { line in
            if line.isEmpty { return nil }
            guard let number = Int(String(decoding: line, as: UTF8.self)) else { throw StoreError("bad") }
            return number
        }
        #expect(try reader.first() == 42)
        #expect(try reader.next() == 42)
        #expect(throws: LineFailure.self) { try reader.next() }
    }
}
