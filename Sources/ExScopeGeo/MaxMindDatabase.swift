import CMaxMindDB
import Foundation

/// A MaxMind DB file (GeoLite2/GeoIP2, DB-IP, IPinfo) read through libmaxminddb.
///
/// The database is memory-mapped once and only read afterwards; libmaxminddb documents
/// lookups on an opened database as thread-safe, hence `@unchecked Sendable`.
public final class MaxMindDatabase: @unchecked Sendable {
    /// What the file says about itself.
    public struct Metadata: Sendable, Hashable {
        /// e.g. `GeoLite2-Country`, `GeoLite2-ASN`.
        public var databaseType: String
        /// The build date (UTC), `YYYY-MM-DD`.
        public var buildDate: String
        public var ipVersion: Int
    }

    /// One lookup's answer; nil fields were not in the record.
    public struct Record: Sendable, Hashable {
        public var country: String?
        public var asn: Int?
        public var asOrganization: String?
    }

    /// The file's path.
    public let path: String
    public let metadata: Metadata
    private var database = MMDB_s()

    /// Opens and memory-maps the file.
    /// - Throws: ``GeoError`` naming the file and libmaxminddb's reason (broken files fail here or at lookup, never crash).
    public init(path: String) throws {
        self.path = path
        let status = MMDB_open(path, UInt32(MMDB_MODE_MMAP), &database)
        guard status == MMDB_SUCCESS else {
            throw GeoError("cannot open MaxMind DB \(path): \(String(cString: MMDB_strerror(status)))")
        }
        let type = database.metadata.database_type.map { String(cString: $0) } ?? "unknown"
        let date = Date(timeIntervalSince1970: TimeInterval(database.metadata.build_epoch))
        metadata = Metadata(databaseType: type, buildDate: Self.day(date), ipVersion: Int(database.metadata.ip_version))
    }

    deinit {
        MMDB_close(&database)
    }

    /// Looks up one address (text form).
    /// - Returns: nil when the database has no record for it.
    /// - Throws: ``GeoError`` when the file is corrupt where the lookup walks.
    public func lookup(_ address: String) throws -> Record? {
        var gaiError: Int32 = 0
        var status: Int32 = 0
        var result = MMDB_lookup_string(&database, address, &gaiError, &status)
        guard gaiError == 0 else { throw GeoError("'\(address)' is not an address") }
        guard status == MMDB_SUCCESS else {
            throw GeoError("MaxMind DB \(path) is corrupt: \(String(cString: MMDB_strerror(status)))")
        }
        guard result.found_entry else { return nil }
        var record = Record()
        record.country = try string(&result.entry, ["country", "iso_code"]) ?? string(&result.entry, ["registered_country", "iso_code"])
        if let number = try unsigned(&result.entry, ["autonomous_system_number"]) { record.asn = Int(number) }
        record.asOrganization = try string(&result.entry, ["autonomous_system_organization"])
        return record
    }

    private func value(_ entry: inout MMDB_entry_s, _ path: [String]) throws -> MMDB_entry_data_s? {
        var data = MMDB_entry_data_s()
        let cStrings = path.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = cStrings.map { $0.map { UnsafePointer($0) } }
        pointers.append(nil)
        let status = pointers.withUnsafeBufferPointer { buffer in
            MMDB_aget_value(&entry, &data, buffer.baseAddress)
        }
        if status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || status == MMDB_INVALID_LOOKUP_PATH_ERROR { return nil }
        guard status == MMDB_SUCCESS else {
            throw GeoError("MaxMind DB \(self.path) is corrupt: \(String(cString: MMDB_strerror(status)))")
        }
        return data.has_data ? data : nil
    }

    private func string(_ entry: inout MMDB_entry_s, _ path: [String]) throws -> String? {
        guard let data = try value(&entry, path), data.type == UInt32(MMDB_DATA_TYPE_UTF8_STRING),
              let bytes = data.utf8_string else { return nil }
        let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(bytes).assumingMemoryBound(to: UInt8.self), count: Int(data.data_size))
        return String(decoding: buffer, as: UTF8.self)
    }

    private func unsigned(_ entry: inout MMDB_entry_s, _ path: [String]) throws -> UInt32? {
        guard let data = try value(&entry, path) else { return nil }
        switch Int32(data.type) {
        case MMDB_DATA_TYPE_UINT32: return data.uint32
        case MMDB_DATA_TYPE_UINT16: return UInt32(data.uint16)
        default: return nil
        }
    }

    static func day(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
