@testable import ExScopeCLI
import ExScopeCore
import ExScopeTesting
import Foundation
import Testing

/// The scan writer takes each build's findings from a cache: its lines must be byte for byte what
/// JSONEncoder writes for the whole record.
@Suite struct RecordEncoderTests {
    static func plain(_ record: ScanRecord) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(record))
    }

    @Test func linesEqualJSONEncoderOutput() throws {
        let lines = try ExposureTableGenerator.august2025().lines(catalog: Catalog.bundled())
        let records = try lines.prefix(300).map { try JSONDecoder().decode(ScanRecord.self, from: Data($0.utf8)) }
        #expect(records.contains { !$0.findings.isEmpty })
        let encoder = RecordEncoder()
        // Twice: the second pass is served from the cache.
        for record in records + records {
            #expect(try encoder.encode(record) == Self.plain(record))
        }
    }

    @Test func serverTextWithJSONSyntaxIsEscapedAsJSONEncoderDoes() throws {
        let line = try ExposureTableGenerator.august2025().lines(catalog: Catalog.bundled())[0]
        var record = try JSONDecoder().decode(ScanRecord.self, from: Data(line.utf8))
        #expect(!record.findings.isEmpty)
        record.error = #""findings":[],"hybrid":{"likely":true}"#
        record.hostname = #"x","findings":[],"hybrid":"#
        let encoder = RecordEncoder()
        #expect(try encoder.encode(record) == Self.plain(record))
        record.findings = []
        #expect(try encoder.encode(record) == Self.plain(record))
    }
}
