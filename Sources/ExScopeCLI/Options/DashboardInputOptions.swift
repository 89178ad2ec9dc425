import ArgumentParser
import ExScopeCore
import ExScopeDashboard
import Foundation

/// Where `serve` reads results from: the store (default), or `exscope.scan/1` JSON Lines files,
/// one scan per file, given with `--input`.
struct DashboardInputOptions: ParsableArguments {
    @Option(name: .customLong("input"), help: ArgumentHelp("A scan's JSON Lines output (repeatable; each file is one scan, named after the file).", valueName: "file"))
    var inputs: [String] = []

    @Option(help: ArgumentHelp("CSV of locations: ip,country-code,country-name,asn,as-name (no header).", valueName: "file"))
    var locations: String?

    @Option(help: ArgumentHelp("An organisation assessment (exscope assess JSON) to show as the checklist instead of the store's latest.", valueName: "file"))
    var assessment: String?

    /// Loads every file into an in-memory data source.
    func load() throws -> InMemoryDataSource {
        var scans: [InMemoryDataSource.Scan] = []
        for path in inputs {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            scans.append(.init(name: name, records: try Self.records(path)))
        }
        let table = try locations.map(Self.locationTable) ?? [:]
        let assessment = try assessment.map(AssessmentLoader.load)
        return InMemoryDataSource(scans: scans, assessment: assessment) { record in record.ip.flatMap { table[$0] } }
    }

    static func records(_ path: String) throws -> [ScanRecord] {
        let input = try MappedFile(path: path)
        return try withExtendedLifetime(input) {
            let text = try input.jsonLines(name: path, command: "exscope serve --input")
            let decoder = JSONDecoder()
            var records: [ScanRecord] = []
            var lineNumber = 0
            for line in text.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
                lineNumber += 1
                if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) { continue }
                do {
                    records.append(try decoder.decode(ScanRecord.self, from: Data(line)))
                } catch {
                    throw ExScopeFailure.badInput("\(path):\(lineNumber): not an exscope.scan/1 record")
                }
            }
            return records
        }
    }

    static func locationTable(_ path: String) throws -> [String: HostLocation] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw ExScopeFailure.badInput("\(path): cannot read the file") }
        var table: [String: HostLocation] = [:]
        for (i, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() where !line.isEmpty && !line.hasPrefix("#") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard fields.count >= 2, !fields[0].isEmpty else { throw ExScopeFailure.badInput("\(path):\(i + 1): expected ip,country-code[,country-name,asn,as-name]") }
            func field(_ n: Int) -> String? { fields.count > n && !fields[n].isEmpty ? fields[n] : nil }
            table[fields[0]] = HostLocation(countryCode: field(1)?.uppercased(), countryName: field(2),
                                            asn: field(3).flatMap { Int($0.hasPrefix("AS") ? String($0.dropFirst(2)) : $0) }, asName: field(4))
        }
        return table
    }
}

/// Reads an assessment file tolerantly: whatever the assessment format's exact shape, a list of
/// objects under `items`, `checklist`, `steps` or `actions` with action/status/evidence/command-like keys.
enum AssessmentLoader {
    static func load(_ path: String) throws -> OrganisationAssessment {
        guard let data = FileManager.default.contents(atPath: path),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ExScopeFailure.badInput("\(path): not a JSON object")
        }
        if let report = try? JSONDecoder().decode(AssessmentReport.self, from: data) { return OrganisationAssessment(report) }
        if let exact = try? JSONDecoder().decode(OrganisationAssessment.self, from: data) { return exact }
        let list = ["items", "checklist", "steps", "actions"].lazy.compactMap { root[$0] as? [[String: Any]] }.first ?? []
        func text(_ object: [String: Any], _ keys: [String]) -> String? {
            for key in keys {
                if let value = object[key] as? String { return value }
                if let value = object[key] as? [String] { return value.joined(separator: "; ") }
                if let value = object[key] as? NSNumber { return value.stringValue }
            }
            return nil
        }
        let items = list.map { item in
            ChecklistItem(scope: text(item, ["scope", "target", "server"]) ?? "organisation",
                          action: text(item, ["action", "title", "step", "name"]) ?? "(unnamed step)",
                          status: text(item, ["status", "state", "result"]) ?? "unknown",
                          evidence: text(item, ["evidence", "detail", "details", "reason"]),
                          nextCommand: text(item, ["nextCommand", "next_command", "command", "next"]))
        }
        return OrganisationAssessment(title: text(root, ["title", "name", "organisation", "tenant"]) ?? "Assessment",
                                      generatedAt: text(root, ["generatedAt", "timestamp", "date"]), items: items)
    }
}
