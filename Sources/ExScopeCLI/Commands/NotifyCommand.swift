import ArgumentParser
import ExScopeCore
import ExScopeStore
import Foundation

/// `exscope notify`: one CSV per network owner, in the shape Shadowserver's reports have.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Write one CSV per network owner (ASN, CIDR block or country) listing its exposed hosts, for CERTs to mail.",
        discussion: """
            Columns: timestamp, ip, port, hostname, asn, geo, version, server_name, finding, remediation, recipient. \
            --contacts FILE has lines 'AS64500,abuse@example.net', '192.0.2.0/24,cert@example.org' or 'DE,cert@example.de' \
            ('#' comments); each file then names its recipient, recipients.csv lists them all and \
            no-contact.txt the owners nobody was found for.
            """
    )

    enum Owner: String, ExpressibleByArgument, CaseIterable { case asn, cidr, country }

    @Option(help: "Group by asn, cidr or country.")
    var by: Owner

    @Option(help: ArgumentHelp("Folder for the CSV files (created).", valueName: "dir"))
    var out: String

    @Option(help: ArgumentHelp("Owner-to-address list: ASN, CIDR or country, comma, e-mail.", valueName: "file"))
    var contacts: String?

    @Option(help: "The scan (default: the latest).")
    var scan: String?

    @Option(help: "The finding reported.")
    var finding = HybridFinding.id

    @Option(parsing: .unconditional, help: "With --by cidr and no matching contact: the prefix length of the blocks (IPv6 uses /48 when above 32).")
    var prefix = 24

    @Option(name: .customLong("min-confidence"), help: "low, medium or high.")
    var minConfidence: HostProfile.Confidence = .medium

    @OptionGroup var storeOptions: StoreOptions
    @OptionGroup var catalogOptions: CatalogOptions

    static let header = ["timestamp", "ip", "port", "hostname", "asn", "geo", "version", "server_name", "finding", "remediation", "recipient"]

    func validate() throws {
        guard (8...32).contains(prefix) else { throw ValidationError("--prefix must be 8-32") }
    }

    func run() async throws {
        let catalog = try catalogOptions.load()
        let vulnerability = try CatalogOptions.finding(finding, in: catalog)
        let book = try contacts.map { try ContactBook(path: $0) } ?? ContactBook()
        let store = try await storeOptions.open(creating: false)
        let hosts = try await storeOperation { try await store.exposedHosts(scan: scan, finding: finding, minConfidence: minConfidence) }
        try await store.close()
        var groups: [String: [ExposedHost]] = [:]
        for host in hosts { groups[owner(of: host, book: book), default: []].append(host) }
        // The notices are mailed as a set: an older run's file left beside them would be sent again, so
        // --out must be new or empty, and it gets every file or none (they are written beside it first).
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: out, isDirectory: &isDirectory)
        if exists && !isDirectory.boolValue { throw ExScopeFailure.badInput("--out \(out) is a file; notify writes a folder of notices") }
        if exists, let entries = try? FileManager.default.contentsOfDirectory(atPath: out), !entries.isEmpty {
            throw ExScopeFailure.badInput("--out \(out) already holds files; notify writes into a new or empty folder, so no notice of an earlier run is mixed in")
        }
        let parent = (out as NSString).deletingLastPathComponent
        let staging = (parent.isEmpty ? "." : parent) + "/.exscope-notify-\(getpid())-" + (out as NSString).lastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: staging, withIntermediateDirectories: true)
        } catch {
            throw ExScopeFailure.badInput("cannot create \(out): \(CatalogOptions.describe(error))")
        }
        do {
            let uncontacted = try writeNotices(groups: groups, book: book, vulnerability: vulnerability, into: staging)
            // rmdir, not a recursive removal: should anything have appeared in --out meanwhile, it stays.
            if exists && rmdir(out) != 0 { throw ExScopeFailure.runFailure("cannot replace the empty folder \(out): \(String(cString: strerror(errno))); no notice was written") }
            try FileManager.default.moveItem(atPath: staging, toPath: out)
            var summary = "wrote \(groups.count) files for \(hosts.count) hosts with \(finding) vulnerable to \(out)"
            if contacts != nil { summary += "; \(uncontacted) owners have no contact (no-contact.txt)" }
            Terminal.error(summary, prefix: false)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            if let failure = error as? ExScopeFailure { throw failure }
            throw ExScopeFailure.runFailure("cannot write \(out): \(CatalogOptions.describe(error)); no notice was written")
        }
    }

    /// Writes one CSV per owner (and, with --contacts, the recipient lists) into `folder`.
    /// - Returns: how many owners have no contact.
    private func writeNotices(groups: [String: [ExposedHost]], book: ContactBook, vulnerability: Vulnerability, into folder: String) throws -> Int {
        func write(_ text: String, to name: String) throws {
            try OutputFile.write(text, to: (folder as NSString).appendingPathComponent(name))
        }
        var recipients: [String] = ["owner,file,hosts,recipient"]
        var missing: [String] = []
        for (owner, members) in groups.sorted(by: { $0.key < $1.key }) {
            let recipient = book.recipient(for: owner)
            let file = owner.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "-") + ".csv"
            var lines = [Self.header.joined(separator: ",")]
            for host in members {
                let version = [host.build, [host.product, host.cu, host.update].compactMap { $0 }.joined(separator: " ")]
                    .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                lines.append([host.observedAt, host.ip ?? "", String(host.port), host.hostname ?? "", host.asn.map(String.init) ?? "",
                              host.country ?? "", version, host.serverName ?? "", finding, vulnerability.remediation, recipient ?? ""]
                    .map(ReportRenderer.csv).joined(separator: ","))
            }
            try write(lines.joined(separator: "\n") + "\n", to: file)
            recipients.append([owner, file, String(members.count), recipient ?? ""].map(ReportRenderer.csv).joined(separator: ","))
            if recipient == nil { missing.append(owner) }
        }
        if contacts != nil {
            try write(recipients.joined(separator: "\n") + "\n", to: "recipients.csv")
            try write(missing.joined(separator: "\n") + (missing.isEmpty ? "" : "\n"), to: "no-contact.txt")
        }
        return missing.count
    }

    private func owner(of host: ExposedHost, book: ContactBook) -> String {
        switch by {
        case .asn:
            return host.asn.map { "AS\($0)" } ?? "AS-unknown"
        case .country:
            return host.country ?? "unknown"
        case .cidr:
            guard let ip = host.ip, let address = IPAddress(ip) else { return "unknown" }
            if let block = book.block(containing: address) { return block.description }
            let length = address.isIPv4 ? prefix : 48
            let bits = UInt128(address.bitWidth - length)
            let first: IPAddress
            switch address {
            case .v4(let value): first = .v4(UInt32(truncatingIfNeeded: (UInt128(value) >> bits) << bits))
            case .v6(let value): first = .v6((value >> bits) << bits)
            }
            return AddressBlock(first: first, count: 1 << bits).description
        }
    }
}

/// The `--contacts` file: ASN, CIDR block or country to an abuse address.
struct ContactBook {
    private var byKey: [String: String] = [:]
    private var blocks: [(AddressBlock, String)] = []

    init() {}

    init(path: String) throws {
        var text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ExScopeFailure.badInput("cannot read contacts \(path): \(CatalogOptions.describe(error))")
        }
        // A byte order mark (Windows editors write one) is not part of the first owner.
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[1].contains("@") else {
                throw ExScopeFailure.badInput("\(path):\(index + 1): expected 'ASN|CIDR|CC,address'")
            }
            if let block = AddressBlock(cidr: parts[0]) {
                blocks.append((block, parts[1]))
            } else if let asn = Int(parts[0].uppercased().replacingOccurrences(of: "AS", with: "")) {
                byKey["AS\(asn)"] = parts[1]
            } else if parts[0].count == 2 {
                byKey[parts[0].uppercased()] = parts[1]
            } else {
                throw ExScopeFailure.badInput("\(path):\(index + 1): '\(parts[0])' is not an ASN, CIDR block or country code")
            }
        }
        // The most specific block wins.
        blocks.sort { $0.0.count < $1.0.count }
    }

    func block(containing address: IPAddress) -> AddressBlock? { blocks.first { $0.0.contains(address) }?.0 }

    func recipient(for owner: String) -> String? {
        if let direct = byKey[owner] { return direct }
        if let block = AddressBlock(cidr: owner) { return blocks.first { $0.0 == block }?.1 }
        return nil
    }
}
