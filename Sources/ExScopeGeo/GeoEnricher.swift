public import ExScopeCore
import Foundation

/// Where an address is: a country (or a class of address space that is no country) and its network.
public struct GeoLocation: Sendable, Hashable {
    /// ISO 3166-1 alpha-2 code, nil when unknown or when ``addressClass`` is set.
    public var country: String?
    /// Loopback, private, link-local or reserved space.
    public var addressClass: AddressClass?
    public var asn: Int?
    public var asOrganization: String?

    public init(country: String? = nil, addressClass: AddressClass? = nil, asn: Int? = nil, asOrganization: String? = nil) {
        self.country = country
        self.addressClass = addressClass
        self.asn = asn
        self.asOrganization = asOrganization
    }

    /// The value stored and grouped on: the country code, or the address class's name in lower case.
    public var countryKey: String? { addressClass?.rawValue ?? country }
}

/// Country and ASN for addresses, from MaxMind DB files or the tor-geoipdb ranges.
public struct GeoEnricher: Sendable {
    private let countryDatabase: MaxMindDatabase?
    private let asnDatabase: MaxMindDatabase?
    private let ranges: CountryRanges?
    /// Names each source and its date, e.g. `country: MaxMind GeoLite2-Country 2024-06-10 (FILE); ASN: none`.
    public let sourceDescription: String

    /// - Parameters:
    ///   - countryDatabase: a MaxMind DB with `country.iso_code` (Country or City), preferred when given.
    ///   - asnDatabase: a MaxMind DB with `autonomous_system_number`.
    ///   - ranges: the fallback country ranges, with the files they came from.
    public init(countryDatabase: MaxMindDatabase?, asnDatabase: MaxMindDatabase?, ranges: CountryRanges?, rangeFiles: [String] = []) {
        self.countryDatabase = countryDatabase
        self.asnDatabase = asnDatabase
        self.ranges = ranges
        var country = "none"
        if let countryDatabase {
            country = "MaxMind DB \(countryDatabase.metadata.databaseType) built \(countryDatabase.metadata.buildDate) (\(countryDatabase.path))"
        } else if let ranges {
            country = "IPFire Location country ranges (tor-geoipdb format)\(ranges.generated.map { " generated \($0)" } ?? "") (\(rangeFiles.joined(separator: ", ")))"
        }
        let asn = asnDatabase.map { "MaxMind DB \($0.metadata.databaseType) built \($0.metadata.buildDate) (\($0.path))" } ?? "none"
        sourceDescription = "country: \(country); ASN: \(asn)"
    }

    /// No enrichment: every public address has an unknown country.
    public static let none = GeoEnricher(countryDatabase: nil, asnDatabase: nil, ranges: nil)

    /// The location of one address given as text; unparsable text gives an empty location.
    /// - Throws: ``GeoError`` when a MaxMind file turns out to be corrupt.
    public func locate(_ text: String) throws -> GeoLocation {
        guard let address = IPAddress(text) else { return GeoLocation() }
        return try locate(address, text: text)
    }

    /// The location of one parsed address.
    public func locate(_ address: IPAddress, text: String? = nil) throws -> GeoLocation {
        if let special = AddressClass(address) { return GeoLocation(addressClass: special) }
        var location = GeoLocation()
        if countryDatabase != nil || asnDatabase != nil {
            let text = text ?? address.description
            if let countryDatabase { location.country = try countryDatabase.lookup(text)?.country }
            if let asnDatabase, let record = try asnDatabase.lookup(text) {
                location.asn = record.asn
                location.asOrganization = record.asOrganization
            }
        }
        if location.country == nil, countryDatabase == nil, let ranges { location.country = ranges.country(address) }
        return location
    }
}

/// Where the built-in fallback ranges are looked for.
public enum DefaultGeoFiles {
    /// Folders holding `geoip` and `geoip6`, first match wins: `$EXSCOPE_GEOIP_DIR`, tor-geoipdb's
    /// `/usr/share/tor`, and the copy `scripts/setup` unpacks into the user's data directory.
    public static func candidateFolders(environment: [String: String]) -> [String] {
        var folders: [String] = []
        if let dir = environment["EXSCOPE_GEOIP_DIR"], !dir.isEmpty { folders.append(dir) }
        folders.append("/usr/share/tor")
        let dataHome = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? environment["HOME"].map { $0 + "/.local/share" }
        if let dataHome { folders.append(dataHome + "/exscope/geoip") }
        return folders
    }

    /// The `geoip` (and `geoip6`, when present) files of the first folder that has `geoip`.
    public static func rangeFiles(environment: [String: String]) -> [String]? {
        for folder in candidateFolders(environment: environment) where FileManager.default.fileExists(atPath: folder + "/geoip") {
            var files = [folder + "/geoip"]
            if FileManager.default.fileExists(atPath: folder + "/geoip6") { files.append(folder + "/geoip6") }
            return files
        }
        return nil
    }
}
