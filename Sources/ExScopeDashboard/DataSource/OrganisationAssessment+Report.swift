public import ExScopeCore

extension OrganisationAssessment {
    /// The checklist of an `exscope assess` report: one item per required action for the
    /// organisation, then its per-server results, then the report's warnings.
    /// - Parameters:
    ///   - report: the `exscope.assessment/1` report.
    ///   - earlier: earlier stored assessments, latest first.
    public init(_ report: AssessmentReport, earlier: [AssessmentSummary] = []) {
        var items: [ChecklistItem] = []
        for action in report.actions {
            items.append(ChecklistItem(scope: "organisation", action: action.title, status: action.status.rawValue,
                                       evidence: Self.joined(action.evidence), nextCommand: action.next))
            for server in action.servers {
                items.append(ChecklistItem(scope: server.server, action: action.title, status: server.status.rawValue,
                                           evidence: Self.joined(server.evidence), nextCommand: server.next))
            }
        }
        for warning in report.warnings {
            items.append(ChecklistItem(scope: "organisation", action: warning.message, status: "warning", evidence: warning.code.rawValue, nextCommand: nil))
        }
        let name = report.organizationName ?? report.organizationGuid ?? report.tenantId ?? "the organisation"
        self.init(title: "ED 25-02 for \(name): \(report.overall.rawValue)", generatedAt: report.generatedAt.description, items: items, earlier: earlier)
    }

    static func joined(_ evidence: [String]) -> String? { evidence.isEmpty ? nil : evidence.joined(separator: "; ") }
}
