import ExScopeCore
import ExScopeGeo
import ExScopeStore
import Foundation

/// Writes scan results to the store as they arrive, in small batches.
final class StoreSink {
    private let store: any ResultStore
    private let scan: Int64
    private let enricher: GeoEnricher
    /// The output's encoder, for records the output did not write (other statuses, table format).
    private let encoder: RecordEncoder
    private var buffer: [ResultRow] = []
    private var lastFlush = ContinuousClock.now

    init(store: any ResultStore, scan: Int64, enricher: GeoEnricher, encoder: RecordEncoder = RecordEncoder()) {
        self.store = store
        self.encoder = encoder
        self.scan = scan
        self.enricher = enricher
    }

    /// Buffers one record, given its JSON line if the scan already wrote one; writes the batch every
    /// 256 records or every second.
    func add(_ record: ScanRecord, json: [UInt8]?) async throws {
        let raw = String(decoding: try json ?? encoder.encode(record), as: UTF8.self)
        var row = ResultRow(record, raw: raw)
        do {
            try row.locate(with: enricher)
        } catch let error as GeoError {
            throw ExScopeFailure.runFailure(error.message)
        }
        buffer.append(row)
        if buffer.count >= 256 || ContinuousClock.now - lastFlush > .seconds(1) { try await flush() }
    }

    /// Writes what is buffered, marks the scan's end and closes the store.
    func finish() async throws {
        try await flush()
        try await storeOperation { try await store.closeScan(scan, endedAt: StoreTime.now()) }
        try await store.close()
    }

    private func flush() async throws {
        lastFlush = .now
        guard !buffer.isEmpty else { return }
        let rows = buffer
        buffer.removeAll(keepingCapacity: true)
        try await storeOperation { try await store.record(rows, scan: scan) }
    }
}
