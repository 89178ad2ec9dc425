import CZstd
import Synchronization

/// How the SQLite store keeps each result's record: zstd with a built-in dictionary of typical
/// records (``RecordDictionary``), which takes a record of a few kilobytes to a tenth. A record is
/// most of a result's bytes, so this is most of the store's size and of what an import writes.
///
/// Packed: one byte naming the dictionary (1), then a zstd frame with its content size. Records stored
/// before as text stay text; readers tell them apart by SQLite's storage class (text or blob).
enum RecordCodec {
    /// The first byte of a record packed with ``RecordDictionary/version1``.
    static let version1: UInt8 = 1
    /// A packed record never unpacks to more than this (a damaged size field must not allocate gigabytes).
    static let largestRecord = 64 << 20

    /// Compresses a record. Safe from any thread.
    static func pack(_ record: String) -> [UInt8] {
        var text = record
        return text.withUTF8 { source in
            compressors.withContext { context in
                let bound = ZSTD_compressBound(source.count)
                return [UInt8](unsafeUninitializedCapacity: 1 + bound) { buffer, count in
                    buffer[0] = version1
                    let written = ZSTD_compress_usingCDict(context, buffer.baseAddress! + 1, bound, source.baseAddress, source.count,
                                                           dictionaries.compression)
                    // Compressing into a buffer of ZSTD_compressBound cannot fail.
                    precondition(ZSTD_isError(written) == 0, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
                    count = 1 + written
                }
            }
        }
    }

    /// The record `packed` holds.
    /// - Throws: ``StoreError`` when the bytes are not a record this version packs.
    static func unpack(_ packed: [UInt8]) throws -> String {
        guard packed.first == version1 else {
            throw StoreError("a stored record is in an unknown encoding (first byte \(packed.first.map(String.init) ?? "none")); written by a newer ExScope?")
        }
        return try packed.withUnsafeBufferPointer { bytes in
            let frame = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[1...])
            let size = ZSTD_getFrameContentSize(frame.baseAddress, frame.count)
            guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN, size <= UInt64(largestRecord) else {
                throw StoreError("a stored record is damaged (no valid zstd frame)")
            }
            return try decompressors.withContext { context in
                var failure: String?
                let text = String(unsafeUninitializedCapacity: Int(size)) { buffer in
                    let written = ZSTD_decompress_usingDDict(context, buffer.baseAddress, Int(size), frame.baseAddress, frame.count,
                                                             dictionaries.decompression)
                    guard ZSTD_isError(written) == 0, written == Int(size) else {
                        failure = ZSTD_isError(written) != 0 ? String(cString: ZSTD_getErrorName(written)) : "short record"
                        return 0
                    }
                    return written
                }
                if let failure { throw StoreError("a stored record is damaged (zstd: \(failure))") }
                return text
            }
        }
    }

    /// The dictionary, digested once for each direction; zstd lets every thread use them at once.
    private struct Dictionaries: @unchecked Sendable {
        let compression: OpaquePointer
        let decompression: OpaquePointer

        init() {
            let dictionary = RecordDictionary.version1
            // Level 1: an import compresses a million records in the decoder threads.
            compression = dictionary.withUnsafeBytes { ZSTD_createCDict($0.baseAddress, $0.count, 1) }
            decompression = dictionary.withUnsafeBytes { ZSTD_createDDict($0.baseAddress, $0.count) }
        }
    }

    private static let dictionaries = Dictionaries()
    private static let compressors = ContextPool(make: { ZSTD_createCCtx() })
    private static let decompressors = ContextPool(make: { ZSTD_createDCtx() })

    /// zstd's working state, reused: making one per record would cost more than the compression.
    private final class ContextPool: Sendable {
        /// Idle contexts, as addresses (a pointer is not Sendable).
        private let idle = Mutex<[Int]>([])
        private let make: @Sendable () -> OpaquePointer?

        init(make: @escaping @Sendable () -> OpaquePointer?) {
            self.make = make
        }

        func withContext<T>(_ body: (OpaquePointer) throws -> T) rethrows -> T {
            let context = idle.withLock { $0.popLast() }.flatMap { OpaquePointer(bitPattern: $0) } ?? make()!
            let address = Int(bitPattern: UnsafeRawPointer(context))
            defer { idle.withLock { $0.append(address) } }
            return try body(context)
        }
    }
}
