#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why an inventory file was refused. Equality compares the code only.
public struct InventoryError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case tooLarge, notJSON, unknownFormat, wrongSchema, invalid
    }

    public let code: Code
    public let reason: String
    public var description: String { reason }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

/// Reads the three inventory formats (pure: bytes in, a validated ``Inventory`` out).
public enum InventoryReader {
    /// Files larger than this are refused (a real organisation's inventory is a few hundred KB).
    public static let maximumBytes = 16 << 20
    /// More servers than this is refused as implausible.
    public static let maximumServers = 20_000

    /// Reads an inventory, recognising the format by its content.
    /// - Throws: ``InventoryError``.
    public static func read(_ bytes: [UInt8]) throws(InventoryError) -> Inventory {
        guard bytes.count <= maximumBytes else { throw InventoryError(code: .tooLarge, reason: "larger than \(maximumBytes >> 20) MiB") }
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) } // PowerShell 5.1 writes a UTF-8 BOM
        if body.count >= 2, (body.first == 0xFF && body.dropFirst().first == 0xFE) {
            throw InventoryError(code: .notJSON, reason: "the file is UTF-16; write it with -Encoding UTF8")
        }
        let first = body.first { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        let inventory: Inventory
        if first == UInt8(ascii: "{") {
            inventory = try readJSON(Data(body))
        } else {
            inventory = try readCSV(String(decoding: body, as: UTF8.self))
        }
        return try validated(inventory)
    }

    static func readJSON(_ data: Data) throws(InventoryError) -> Inventory {
        let probe: [String: AnyProbe]
        do {
            probe = try JSONDecoder().decode([String: AnyProbe].self, from: data)
        } catch {
            throw InventoryError(code: .notJSON, reason: "not valid JSON: \(describe(error))")
        }
        if probe["schema"] != nil {
            do {
                let inventory = try JSONDecoder().decode(Inventory.self, from: data)
                guard inventory.schema == Inventory.schemaID else {
                    throw InventoryError(code: .wrongSchema, reason: "schema '\(inventory.schema.prefix(60))' is not \(Inventory.schemaID)")
                }
                return inventory
            } catch let error as InventoryError {
                throw error
            } catch {
                throw InventoryError(code: .invalid, reason: describe(error))
            }
        }
        if probe["Servers"] != nil {
            do {
                return try JSONDecoder().decode(HealthCheckerVulnerabilityReport.self, from: data).inventory
            } catch {
                throw InventoryError(code: .invalid, reason: "HealthChecker vulnerability report: \(describe(error))")
            }
        }
        throw InventoryError(code: .unknownFormat, reason: "a JSON object with neither 'schema' (ExScope collector) nor 'Servers' (HealthChecker -VulnerabilityReport)")
    }

    /// Reads `name,build` lines. A header line is recognised by a column named like `name`/`server`
    /// and one like `build`/`version`; other columns are ignored. `#` starts a comment line.
    static func readCSV(_ text: String) throws(InventoryError) -> Inventory {
        var servers: [InventoryServer] = []
        var nameColumn = 0, buildColumn = 1
        var sawHeader = false
        var lineNumber = 0
        for rawLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let line = rawLine.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") { continue }
            let cells = splitCSV(line)
            let lowered = cells.map { $0.lowercased() }
            if !sawHeader && servers.isEmpty,
               let name = lowered.firstIndex(where: { ["name", "server", "servername", "computername", "fqdn", "host"].contains($0) }),
               let build = lowered.firstIndex(where: { ["build", "version", "buildversion", "exsetupversion", "admindisplayversion"].contains($0) }) {
                nameColumn = name
                buildColumn = build
                sawHeader = true
                continue
            }
            guard cells.count > max(nameColumn, buildColumn), !cells[nameColumn].isEmpty, !cells[buildColumn].isEmpty else {
                throw InventoryError(code: .invalid, reason: "CSV line \(lineNumber): expected a server name and a build")
            }
            // A CSV has nothing else to say about a server: a build that is not one is a broken line, not an unknown.
            do {
                _ = try VersionInput(parsing: cells[buildColumn])
            } catch {
                throw InventoryError(code: .invalid, reason: "CSV line \(lineNumber): '\(cells[buildColumn])' is not a build (\(error.reason))")
            }
            servers.append(InventoryServer(name: cells[nameColumn], exSetupVersion: cells[buildColumn]))
        }
        guard !servers.isEmpty else { throw InventoryError(code: .unknownFormat, reason: "neither JSON nor a CSV with server names and builds") }
        return Inventory(source: .csv, servers: servers)
    }

    static func splitCSV(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var quoted = false
        var iterator = line.makeIterator()
        while let character = iterator.next() {
            if character == "\"" {
                quoted.toggle()
            } else if (character == "," || character == ";" || character == "\t") && !quoted {
                cells.append(current.trimmingSpaces)
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(current.trimmingSpaces)
        return cells
    }

    /// Checks the invariants the checks rely on and normalises thumbprints and GUIDs.
    static func validated(_ input: Inventory) throws(InventoryError) -> Inventory {
        var inventory = input
        guard inventory.servers.count <= maximumServers else {
            throw InventoryError(code: .invalid, reason: "\(inventory.servers.count) servers is more than \(maximumServers)")
        }
        if let guid = inventory.organizationGuid {
            guard let normal = GUID.normalised(guid) else {
                throw InventoryError(code: .invalid, reason: "organization.guid '\(guid.prefix(60))' is not a GUID")
            }
            inventory.organizationGuid = normal
        }
        for (index, server) in inventory.servers.enumerated() where server.name.trimmingSpaces.isEmpty {
            throw InventoryError(code: .invalid, reason: "servers[\(index)] has no name")
        }
        func thumb(_ value: String?, _ field: String) throws(InventoryError) -> String? {
            guard let value, !value.trimmingSpaces.isEmpty else { return nil }
            guard let normal = Thumbprint.normalised(value) else {
                throw InventoryError(code: .invalid, reason: "\(field) '\(value.prefix(60))' is not a 40-digit hex thumbprint")
            }
            return normal
        }
        if var config = inventory.authConfig {
            config.currentCertificateThumbprint = try thumb(config.currentCertificateThumbprint, "authConfig.currentCertificateThumbprint")
            config.nextCertificateThumbprint = try thumb(config.nextCertificateThumbprint, "authConfig.nextCertificateThumbprint")
            config.previousCertificateThumbprint = try thumb(config.previousCertificateThumbprint, "authConfig.previousCertificateThumbprint")
            inventory.authConfig = config
        }
        for index in inventory.authCertificates.indices {
            guard let normal = try thumb(inventory.authCertificates[index].thumbprint, "authCertificates[\(index)].thumbprint") else {
                throw InventoryError(code: .invalid, reason: "authCertificates[\(index)] has no thumbprint")
            }
            inventory.authCertificates[index].thumbprint = normal
        }
        return inventory
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing '\(path(context.codingPath + [key]))'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "'\(path(context.codingPath))' has the wrong type: \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.codingPath.isEmpty ? "malformed JSON" : "'\(path(context.codingPath))': \(context.debugDescription)"
        default:
            return "malformed input"
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingPrefix(".").description
    }
}

/// Accepts any JSON value; used only to look at a document's top-level keys.
struct AnyProbe: Decodable {
    init(from decoder: any Decoder) throws {}
}

/// HealthChecker's `-VulnerabilityReport` file.
struct HealthCheckerVulnerabilityReport: Decodable {
    struct Server: Decodable {
        var name: String
        var buildVersion: String?
        var online: Bool?

        enum CodingKeys: String, CodingKey { case name = "Name", buildVersion = "BuildVersion", online = "Online" }
    }

    var organization: String?
    var servers: [Server]

    enum CodingKeys: String, CodingKey { case organization = "Organization", servers = "Servers" }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        organization = try c.decodeIfPresent(String.self, forKey: .organization)
        servers = try c.decodeList(Server.self, forKey: .servers)
    }

    var inventory: Inventory {
        Inventory(source: .healthChecker, organizationName: organization,
                  servers: servers.map { InventoryServer(name: $0.name, exSetupVersion: $0.buildVersion, online: $0.online) })
    }
}

/// GUID text helpers.
public enum GUID {
    /// Lower-case `8-4-4-4-12` form, accepting braces; `nil` if not a GUID.
    public static func normalised(_ text: String) -> String? {
        var body = text.trimmingSpaces.lowercased()
        if body.hasPrefix("{") && body.hasSuffix("}") { body = String(body.dropFirst().dropLast()) }
        let groups = body.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12], body.allSatisfy({ $0 == "-" || $0.isHexDigit }) else { return nil }
        return body
    }
}

/// Certificate thumbprint helpers.
public enum Thumbprint {
    /// Upper-case 40-digit hex, ignoring spaces and colons; `nil` if not a SHA-1 thumbprint.
    public static func normalised(_ text: String) -> String? {
        let hex = text.filter { $0 != " " && $0 != ":" }.uppercased()
        guard hex.count == 40, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }
}
