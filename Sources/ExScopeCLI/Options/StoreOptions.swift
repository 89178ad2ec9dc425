import ArgumentParser
import ExScopeGeo
import ExScopeStore
import ExScopeStorePostgres
import Foundation

/// `--store PATH|postgres://…`, shared by every command that reads or writes results.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("store"), help: ArgumentHelp(
        "SQLite file or postgres:// URL. Default: $EXSCOPE_STORE, else $XDG_DATA_HOME/exscope/exscope.sqlite (~/.local/share/…).",
        valueName: "path|url"))
    var store: String?

    /// The store location in effect.
    var location: String { store ?? Self.defaultLocation(environment: ProcessInfo.processInfo.environment) }

    static func defaultLocation(environment: [String: String]) -> String {
        if let path = environment["EXSCOPE_STORE"], !path.isEmpty { return path }
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/share"
        return dataHome + "/exscope/exscope.sqlite"
    }

    /// Opens (and migrates) the store.
    /// - Parameter creating: whether a SQLite file that does not exist is created. Commands that only
    ///   work on results already stored pass false: a mistyped `--store` must not leave a new, empty store behind.
    func open(creating: Bool = true) async throws -> any ResultStore {
        let location = self.location
        do {
            if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
                if let problem = PostgresStore.problem(with: location) { throw ExScopeFailure.badInput(problem) }
                return try await PostgresStore.connect(url: location)
            }
            // Any other URL would otherwise become a SQLite file named after it (./mysql:/…).
            if let scheme = location.range(of: "://").map({ location[..<$0.lowerBound] }), !scheme.contains("/") {
                throw ExScopeFailure.badInput("--store \(location): '\(scheme)://' is not a store; give a SQLite file path or a postgres:// URL")
            }
            if !creating, !FileManager.default.fileExists(atPath: location) {
                throw ExScopeFailure.badInput("no store at \(location); exscope scan --store and exscope import make one")
            }
            // SQLite takes an empty file for an empty database: a command that only reads must not make it a store.
            if !creating, (try? FileManager.default.attributesOfItem(atPath: location)[.size] as? Int) == 0 {
                throw ExScopeFailure.badInput("\(location) is an empty file, not a store; exscope scan --store and exscope import make one")
            }
            return try SQLiteStore(path: location)
        } catch let error as StoreError {
            throw ExScopeFailure(error)
        }
    }
}

/// Runs a store operation and turns its errors into ExScope failures.
func storeOperation<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as StoreError {
        throw ExScopeFailure(error)
    }
}

extension ExScopeFailure {
    /// A store's error: bad input when the request named what the store does not have, else a failure of the run.
    init(_ error: StoreError) {
        self = error.isBadInput ? .badInput(error.message) : .runFailure(error.message)
    }
}

/// `--geoip-country`, `--geoip-asn`, `--geoip-ranges`: where addresses are located.
struct GeoOptions: ParsableArguments {
    @Option(name: .customLong("geoip-country"), help: ArgumentHelp("MaxMind DB with countries (GeoLite2-Country/City, DB-IP, IPinfo).", valueName: "file"))
    var countryFile: String?

    @Option(name: .customLong("geoip-asn"), help: ArgumentHelp("MaxMind DB with ASNs (GeoLite2-ASN).", valueName: "file"))
    var asnFile: String?

    @Option(name: .customLong("geoip-ranges"), help: ArgumentHelp(
        "Country ranges in tor's geoip/geoip6 format (repeatable). Default: tor-geoipdb's files when no MaxMind country file is given.",
        valueName: "file"))
    var rangeFiles: [String] = []

    /// The enricher for these options, with the built-in fallback.
    func enricher() throws -> GeoEnricher {
        do {
            let country = try countryFile.map { try MaxMindDatabase(path: $0) }
            let asn = try asnFile.map { try MaxMindDatabase(path: $0) }
            var files = rangeFiles
            if country == nil && files.isEmpty {
                files = DefaultGeoFiles.rangeFiles(environment: ProcessInfo.processInfo.environment) ?? []
            }
            let ranges = files.isEmpty ? nil : try CountryRanges(paths: files)
            return GeoEnricher(countryDatabase: country, asnDatabase: asn, ranges: ranges, rangeFiles: files)
        } catch let error as GeoError {
            throw ExScopeFailure.badInput(error.message)
        }
    }
}

extension ResultRow {
    /// Fills in country and ASN.
    mutating func locate(with enricher: GeoEnricher) throws {
        guard let ip else { return }
        let location = try enricher.locate(ip)
        country = location.countryKey
        asn = location.asn
        asOrganization = location.asOrganization
    }
}

/// Names for report keys.
enum ReportLabels {
    /// A country code or address class as people read it.
    static func country(_ key: String?) -> String {
        guard let key else { return "unknown" }
        if let special = AddressClass(rawValue: key) { return special.label }
        return CountryNames.name(for: key) ?? key
    }

    static func label(_ row: ReportRow, by dimension: ReportDimension) -> String {
        switch dimension {
        case .country: return country(row.key)
        case .asn: return row.key.map { "AS\($0)" + (row.detail.map { " \($0)" } ?? "") } ?? "unknown"
        default: return row.key ?? "unknown"
        }
    }
}

/// RFC 3339 in UTC, the store's timestamps.
enum StoreTime {
    static func now() -> String { Date().formatted(.iso8601) }
}
