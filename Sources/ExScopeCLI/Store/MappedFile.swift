import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A file's bytes at a stable address: mapped read-only, or (standard input) copied. Foundation's
/// `Data(contentsOf:)` on Linux stops short on files past 2 GiB (one `read` returns at most
/// 0x7ffff000 bytes); mapping has no such limit.
final class MappedFile {
    let bytes: UnsafeRawBufferPointer
    private let descriptor: Int32?

    /// - Throws: ``ExScopeFailure`` (bad input) naming the file.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            throw ExScopeFailure.badInput("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        self.descriptor = descriptor
        let end = lseek(descriptor, 0, SEEK_END)
        guard end >= 0 else {
            close(descriptor)
            throw ExScopeFailure.badInput("cannot read \(path): \(String(cString: strerror(errno)))")
        }
        let size = Int(end)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            close(descriptor)
            throw ExScopeFailure.badInput("cannot map \(path): \(String(cString: strerror(errno)))")
        }
        madvise(address, size, MADV_SEQUENTIAL)
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// A copy of `data` (standard input).
    init(copying data: Data) {
        descriptor = nil
        let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
        _ = data.copyBytes(to: copy.bindMemory(to: UInt8.self))
        bytes = UnsafeRawBufferPointer(copy)
    }

    deinit {
        guard let descriptor else {
            bytes.deallocate()
            return
        }
        if let base = bytes.baseAddress { munmap(UnsafeMutableRawPointer(mutating: base), bytes.count) }
        close(descriptor)
    }
}
