import ExScopeStore
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

/// Reads every element a `ParallelLines` over `text` yields, parsing each line as an integer.
func readAll(_ text: String, chunkBytes: Int) throws -> [Int] {
    let lines = Lines(text)
    let reader = ParallelLines<Int>(bytes: UnsafeRawBufferPointer(lines.bytes), owner: lines, chunkBytes: chunkBytes) { line in
        let text = String(decoding: line, as: UTF8.self)
        if text.isEmpty { return nil }
        guard let number = Int(text) else { throw StoreError("not a number: \(text)") }
        return number
    }
    var result: [Int] = []
    while let number = try reader.next() { result.append(number) }
    return result
}

@Suite struct ParallelLinesTests {
    @Test(arguments: [1, 7, 64, 1 << 20])
    func handsBackEveryLineInOrderWhateverTheChunkSize(chunkBytes: Int) throws {
        let numbers = Array(0..<5_000)
        let text = numbers.map(String.init).joined(separator: "\n") + "\n\n"
        #expect(try readAll(text, chunkBytes: chunkBytes) == numbers)
        #expect(try readAll("1\n2", chunkBytes: chunkBytes) == [1, 2])
        #expect(try readAll("", chunkBytes: chunkBytes) == [])
    }

    @Test(arguments: [1, 7, 64, 1 << 20])
    func namesTheFirstBadLineEvenWhenLaterChunksFailToo(chunkBytes: Int) throws {
        var lines = (1...3_000).map(String.init)
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
