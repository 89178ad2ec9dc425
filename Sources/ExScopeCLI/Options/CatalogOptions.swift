import ArgumentParser
import ExScopeCore
import Foundation

/// Options every command that judges builds shares.
struct CatalogOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Load this catalog file instead of the built-in one.", valueName: "file"))
    var catalog: String?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Judge support status on this date (YYYY-MM-DD). Default: today (UTC).", valueName: "date"))
    var asOf: String?

    func validate() throws {
        if let asOf, CalendarDate(parsing: asOf) == nil || asOf.count != 10 {
            throw ValidationError("--as-of '\(asOf)' is not a date like 2026-11-27")
        }
    }

    /// The date to judge support on.
    var date: CalendarDate {
        if let asOf, let date = CalendarDate(parsing: asOf) { return date }
        return CalendarDate.today()
    }

    /// The catalog's finding `id`.
    /// - Throws: ``ExScopeFailure`` (bad input) naming an id the catalog does not have.
    static func finding(_ id: String, in catalog: Catalog) throws -> Vulnerability {
        guard let vulnerability = catalog.vulnerability(id: id) else {
            throw ExScopeFailure.badInput("unknown finding '\(id)'; see exscope builds vulns")
        }
        return vulnerability
    }

    /// Loads the catalog the user asked for.
    func load() throws -> Catalog {
        guard let path = catalog else {
            do {
                return try Catalog.bundled()
            } catch {
                throw ExScopeFailure.runFailure("the built-in catalog is broken: \(error)")
            }
        }
        let url = URL(fileURLWithPath: path)
        let bytes: Data
        do {
            bytes = try Data(contentsOf: url)
        } catch {
            throw ExScopeFailure.badInput("cannot read catalog \(path): \(Self.describe(error))")
        }
        do {
            return try Catalog(decoding: Array(bytes), source: path)
        } catch {
            throw ExScopeFailure.badInput("bad catalog \(error)")
        }
    }

    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        // Foundation reports reading a folder as an unknown read error; say what it is.
        var isDirectory: ObjCBool = false
        if let path = nsError.userInfo[NSFilePathErrorKey] as? String, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
           isDirectory.boolValue {
            return "it is a directory"
        }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue))
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileReadNoSuchFile, .fileNoSuchFile: return "no such file"
            case .fileWriteOutOfSpace: return "no space left on device"
            case .fileWriteNoPermission, .fileReadNoPermission: return "permission denied"
            case .fileWriteVolumeReadOnly: return "read-only file system"
            default: break
            }
        }
        return nsError.localizedDescription
    }
}

extension CalendarDate {
    /// Today's date in UTC. Only the executable layer reads the clock.
    static func today() -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date())
        return CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1) ?? CalendarDate(year: 1970, month: 1, day: 1)!
    }
}

/// `--format`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json
}

/// Encodes reports as one JSON object per line.
enum JSONLines {
    static func encode(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `value`'s object with a `schema` field naming its versioned shape.
    static func encode(_ value: some Encodable, schema: String) throws -> String {
        try encode(Versioned(schema: schema, value: value))
    }

    private struct Versioned<Value: Encodable>: Encodable {
        enum Key: String, CodingKey { case schema }
        let schema: String
        let value: Value

        func encode(to encoder: any Encoder) throws {
            try value.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(schema, forKey: .schema)
        }
    }
}
