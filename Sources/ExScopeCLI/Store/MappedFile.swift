import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file's bytes at a stable address: mapped read-only, or (standard input, pipes, text made in
/// memory) held in memory of its own. Foundation's `Data(contentsOf:)` on Linux stops short on files past
/// 2 GiB (one `read` returns at most 0x7ffff000 bytes); mapping has no such limit.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    /// The mapped file's descriptor; nil when the bytes were allocated (`malloc`).
    private let descriptor: Int32?

    /// A file is mapped; a pipe (`<(zcat scan.jsonl.gz)`, `/dev/stdin` when it is one) is read to its end.
    /// - Throws: ``ExScopeFailure`` (bad input) naming the file.
    init(path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ExScopeFailure.badInput("cannot read \(path): it is a directory")
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ExScopeFailure.badInput("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let end = lseek(descriptor, 0, SEEK_END)
        if end < 0, errno == ESPIPE {
            // A pipe or a terminal: no size to map.
            defer { close(descriptor) }
            self.descriptor = nil
            bytes = try Self.readToEnd(descriptor, name: path)
            return
        }
        guard end >= 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ExScopeFailure.badInput("cannot read \(path): \(reason)")
        }
        self.descriptor = descriptor
        let size = Int(end)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw ExScopeFailure.badInput("cannot map \(path): \(reason)")
        }
        madvise(address, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Everything `descriptor` (standard input) gives until its end, read straight into the memory the
    /// import reads: the bytes are copied once, by `read`.
    /// - Throws: ``ExScopeFailure`` (bad input) naming `name`.
    init(readingToEnd descriptor: Int32, name: String, capacity: Int = initialCapacity) throws {
        self.descriptor = nil
        bytes = try Self.readToEnd(descriptor, name: name, capacity: capacity)
    }

    /// Where reading to the end starts: 64 MiB, above glibc's largest threshold for serving a block with
    /// `mmap`, so the buffer is a mapping: pages it does not fill cost no memory, and growing it past that
    /// remaps pages (`mremap`) rather than copying bytes.
    static let initialCapacity = 64 << 20

    /// Reads `descriptor` to its end into one `malloc` block of `capacity` bytes, doubled as it fills.
    private static func readToEnd(_ descriptor: Int32, name: String, capacity start: Int = initialCapacity) throws -> UnsafeRawBufferPointer {
        var capacity = max(1, start), count = 0
        guard var buffer = malloc(capacity) else { throw ExScopeFailure.runFailure("cannot allocate \(capacity) bytes for \(name)") }
        while true {
            if count == capacity {
                guard let grown = realloc(buffer, capacity * 2) else {
                    free(buffer)
                    throw ExScopeFailure.runFailure("cannot allocate \(capacity * 2) bytes for \(name)")
                }
                buffer = grown
                capacity *= 2
            }
            let got = read(descriptor, buffer + count, capacity - count)
            if got == 0 { break }
            if got < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                free(buffer)
                throw ExScopeFailure.badInput("cannot read \(name): \(reason)")
            }
            count += got
        }
        return UnsafeRawBufferPointer(start: buffer, count: count)
    }

    /// A copy of `text`'s UTF-8 bytes.
    init(copying text: String) {
        descriptor = nil
        var text = text
        bytes = text.withUTF8 { utf8 in
            let copy = UnsafeMutableRawBufferPointer(start: malloc(max(1, utf8.count)), count: utf8.count)
            copy.copyMemory(from: UnsafeRawBufferPointer(utf8))
            return UnsafeRawBufferPointer(copy)
        }
    }

    deinit {
        guard let descriptor else {
            free(UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            return
        }
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
        close(descriptor)
    }
}

extension MappedFile {
    /// The bytes as JSON Lines text, without the UTF-8 byte order mark Windows editors put first.
    /// - Parameters:
    ///   - name: the file, for the message.
    ///   - command: what the message suggests reading a decompressed copy with, e.g. `exscope import`.
    ///   - consequence: what the message adds after the suggestion.
    /// - Throws: ``ExScopeFailure`` (bad input) when the bytes are a compressed file, naming its format.
    func jsonLines(name: String, command: String, consequence: String = "") throws -> UnsafeRawBufferPointer {
        if let format = Self.compression(of: bytes) {
            throw ExScopeFailure.badInput("\(name) is \(format.name)-compressed, not JSON Lines; decompress it first, "
                                          + "e.g. \(command) <(\(format.tool) \(name))\(consequence)")
        }
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        return bytes.starts(with: mark) ? UnsafeRawBufferPointer(rebasing: bytes[mark.count...]) : bytes
    }

    /// The compression a file's first bytes announce, with the tool that undoes it; nil for anything else.
    static func compression(of bytes: UnsafeRawBufferPointer) -> (name: String, tool: String)? {
        let formats: [(magic: [UInt8], name: String, tool: String)] = [
            ([0x1F, 0x8B], "gzip", "zcat"), ([0x28, 0xB5, 0x2F, 0xFD], "zstd", "zstdcat"),
            ([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00], "xz", "xzcat"), ([0x42, 0x5A, 0x68], "bzip2", "bzcat"),
        ]
        return formats.first { bytes.starts(with: $0.magic) }.map { ($0.name, $0.tool) }
    }
}
