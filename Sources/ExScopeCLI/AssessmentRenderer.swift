import ExScopeCore
import Foundation

/// Renders an ``AssessmentReport`` as a table, JSON, Markdown or CSV.
enum AssessmentRenderer {
    static func render(_ report: AssessmentReport, as format: ReportFormat) -> String {
        switch format {
        case .json: json(report)
        case .table: table(report)
        case .markdown: markdown(report)
        case .csv: csv(report)
        }
    }

    static func json(_ report: AssessmentReport) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(report), as: UTF8.self)) ?? "{}"
    }

    static func header(_ report: AssessmentReport) -> [String] {
        [
            "organisation: \(report.organizationName ?? "?") \(report.organizationGuid ?? "")".trimmingCharacters(in: .whitespaces),
            "tenant: \(report.tenantId ?? "?") (Entra \(report.tenantRead ? "read" : "not read")); inventory: \(report.inventorySource?.rawValue ?? "none")",
            "hybrid: \(report.hybrid.map { $0 ? "yes" : "no" } ?? "unknown")" + (report.hybridEvidence.isEmpty ? "" : " (\(report.hybridEvidence.joined(separator: "; ")))"),
            "generated \(report.generatedAt), catalog \(report.catalogDate); overall: \(report.overall.rawValue)",
        ]
    }

    static func table(_ report: AssessmentReport) -> String {
        var lines = ["ED 25-02 / CVE-2025-53786 assessment"] + header(report).map { "  " + $0 } + [""]
        var table = TextTable(["ACTION", "STATUS", "EVIDENCE"])
        for action in report.actions { table.add([action.id.rawValue, action.status.rawValue, action.evidence.first ?? ""]) }
        lines.append(table.render(indent: "  "))
        for action in report.actions where action.status != .done && action.status != .notApplicable {
            lines.append("")
            lines.append("  \(action.id.rawValue) (\(action.status.rawValue)): \(action.title)")
            for line in action.evidence.dropFirst() { lines.append("    - \(line)") }
            for server in action.servers where server.status != .done && server.status != .notApplicable {
                lines.append("    \(server.server): \(server.status.rawValue): \(server.evidence.joined(separator: "; "))")
                if let next = server.next { lines.append("      next: \(next)") }
            }
            if let next = action.next { lines.append("    next: \(next)") }
        }
        if let principal = report.sharedPrincipal, !principal.keys.isEmpty {
            lines.append("")
            lines.append("  Keys on the shared service principal (Office 365 Exchange Online, \(principal.objectId)):")
            var keys = TextTable(["THUMBPRINT", "FROM", "TO", "EXPIRED", "MATCHES", "NAME"])
            for key in principal.keys {
                keys.add([key.thumbprint ?? "-", key.startDateTime?.date.description ?? "-", key.endDateTime?.date.description ?? "-",
                          key.expired ? "yes" : "no", key.match.rawValue, key.displayName ?? ""])
            }
            lines.append(keys.render(indent: "    "))
        }
        for app in report.apps where app.role == .otherMailboxWideAccess {
            lines.append("")
            lines.append("  Non-human identity with full_access_as_app: \(app.displayName) (\(app.appId))" + (app.consentedAt.map { ", consented \($0)" } ?? ""))
        }
        for warning in report.warnings { lines += ["", "  WARNING: \(warning.message)"] }
        if !report.huntingSteps.isEmpty {
            lines += ["", "  Compromise suspected: hunt now"]
            lines += report.huntingSteps.enumerated().map { "    \($0.offset + 1). \($0.element)" }
        }
        return lines.joined(separator: "\n")
    }

    static func markdown(_ report: AssessmentReport) -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
        var lines = ["# ED 25-02 / CVE-2025-53786 assessment", ""] + header(report).map { "- " + cell($0) }
        lines += ["", "| Action | Basis | Status | Evidence | Next step |", "|---|---|---|---|---|"]
        for action in report.actions {
            lines.append("| \(cell(action.title)) | \(cell(action.basis)) | **\(action.status.rawValue)** | \(cell(action.evidence.joined(separator: "; "))) | \(cell(action.next.map { "`\($0)`" } ?? "")) |")
        }
        let serverRows = report.actions.flatMap { action in action.servers.map { (action, $0) } }
        if !serverRows.isEmpty {
            lines += ["", "## Per server", "", "| Server | Action | Status | Evidence | Next step |", "|---|---|---|---|---|"]
            for (action, server) in serverRows {
                lines.append("| \(cell(server.server)) | \(action.id.rawValue) | \(server.status.rawValue) | \(cell(server.evidence.joined(separator: "; "))) | \(cell(server.next ?? "")) |")
            }
        }
        if let principal = report.sharedPrincipal {
            lines += ["", "## Shared service principal", "", "Object id `\(principal.objectId)`: \(principal.keys.count) key(s), \(principal.passwordCredentials) secret(s); clean: \(principal.clean ? "yes" : "no")."]
            if !principal.keys.isEmpty {
                lines += ["", "| Thumbprint | From | To | Expired | Matches |", "|---|---|---|---|---|"]
                for key in principal.keys {
                    lines.append("| `\(key.thumbprint ?? "-")` | \(key.startDateTime?.description ?? "-") | \(key.endDateTime?.description ?? "-") | \(key.expired ? "yes" : "no") | \(key.match.rawValue) |")
                }
            }
        }
        if !report.warnings.isEmpty { lines += ["", "## Warnings", ""] + report.warnings.map { "- " + cell($0.message) } }
        if !report.huntingSteps.isEmpty { lines += ["", "## Hunting steps", ""] + report.huntingSteps.enumerated().map { "\($0.offset + 1). \(cell($0.element))" } }
        lines += ["", "## Limits", ""] + report.limits.map { "- " + cell($0) }
        return lines.joined(separator: "\n")
    }

    /// One row per required action per server; organisation-wide actions use `(organisation)`.
    static func csv(_ report: AssessmentReport) -> String {
        func field(_ text: String) -> String {
            // Spreadsheet formula injection: server names come from the inventory file.
            "\"" + ReportRenderer.defused(text).replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var rows = ["action,basis,server,status,evidence,next"]
        for action in report.actions {
            if action.servers.isEmpty {
                rows.append([action.id.rawValue, action.basis, "(organisation)", action.status.rawValue, action.evidence.joined(separator: "; "), action.next ?? ""].map(field).joined(separator: ","))
            }
            for server in action.servers {
                rows.append([action.id.rawValue, action.basis, server.server, server.status.rawValue, server.evidence.joined(separator: "; "), server.next ?? ""].map(field).joined(separator: ","))
            }
        }
        return rows.joined(separator: "\n")
    }
}
