public import ExScopeCore
import Foundation

/// One ED 25-02 assessment as the store keeps it: the whole `exscope.assessment/1` document and
/// the columns the dashboard's history lists without decoding it.
public struct StoredAssessment: Sendable, Hashable {
    /// The row id; `nil` before it is saved. Ids grow with every save, so the highest is the latest.
    public var id: Int64?
    /// When the assessment was made (its `generatedAt`), RFC 3339.
    public var generatedAt: String
    /// When it was saved, RFC 3339.
    public var storedAt: String
    public var organizationGuid: String?
    public var organizationName: String?
    public var tenantId: String?
    /// The worst organisation-level action status.
    public var overall: ActionStatus
    /// How many organisation-level actions have each status.
    public var counts: [ActionStatus: Int]
    /// The report as `exscope assess --format json` writes it.
    public var document: String

    /// Describes `report` for saving.
    /// - Parameters:
    ///   - document: the report's JSON (as written to `--out FILE.json`).
    ///   - storedAt: now, RFC 3339.
    public init(report: AssessmentReport, document: String, storedAt: String) {
        var counts: [ActionStatus: Int] = [:]
        for action in report.actions { counts[action.status, default: 0] += 1 }
        self.init(id: nil, generatedAt: report.generatedAt.description, storedAt: storedAt, organizationGuid: report.organizationGuid,
                  organizationName: report.organizationName, tenantId: report.tenantId, overall: report.overall, counts: counts,
                  document: document)
    }

    public init(id: Int64?, generatedAt: String, storedAt: String, organizationGuid: String?, organizationName: String?, tenantId: String?,
                overall: ActionStatus, counts: [ActionStatus: Int], document: String) {
        self.id = id
        self.generatedAt = generatedAt
        self.storedAt = storedAt
        self.organizationGuid = organizationGuid
        self.organizationName = organizationName
        self.tenantId = tenantId
        self.overall = overall
        self.counts = counts
        self.document = document
    }

    /// The saved report, decoded; `nil` if the document is not an `exscope.assessment/1` report.
    public var report: AssessmentReport? { try? JSONDecoder().decode(AssessmentReport.self, from: Data(document.utf8)) }

    /// The count columns, in this order, in every statement below.
    static let countedStatuses: [ActionStatus] = [.done, .actionRequired, .notApplicable, .unknown, .compromiseSuspected]
}

extension StoreStatements {
    public static let insertAssessment = """
        INSERT INTO assessment (generated_at, stored_at, organization_guid, organization_name, tenant_id, overall,
            done, action_required, not_applicable, unknown, compromise_suspected, document)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        RETURNING id
        """

    public static func assessmentArguments(_ assessment: StoredAssessment) -> [SQLValue] {
        [.text(assessment.generatedAt), .text(assessment.storedAt), .of(assessment.organizationGuid), .of(assessment.organizationName),
         .of(assessment.tenantId), .text(assessment.overall.rawValue)]
            + StoredAssessment.countedStatuses.map { .of(assessment.counts[$0] ?? 0) } + [.text(assessment.document)]
    }
}

extension SQLReader {
    /// Stored assessments, latest first.
    /// - Parameters:
    ///   - limit: at most this many.
    ///   - withDocuments: also read each JSON document (the history list does not need them).
    public func assessments(limit: Int = 50, withDocuments: Bool = false) async throws -> [StoredAssessment] {
        let rows = try await rows(SQLQuery("""
            SELECT id, generated_at, stored_at, organization_guid, organization_name, tenant_id, overall,
                done, action_required, not_applicable, unknown, compromise_suspected, \(withDocuments ? "document" : "''")
            FROM assessment ORDER BY id DESC LIMIT ?
            """, [.of(limit)]))
        return rows.map { row in
            var counts: [ActionStatus: Int] = [:]
            for (offset, status) in StoredAssessment.countedStatuses.enumerated() { counts[status] = row.int(7 + offset) ?? 0 }
            return StoredAssessment(id: row.int(0).map(Int64.init), generatedAt: row.text(1) ?? "", storedAt: row.text(2) ?? "",
                                    organizationGuid: row.text(3), organizationName: row.text(4), tenantId: row.text(5),
                                    overall: ActionStatus(rawValue: row.text(6) ?? "") ?? .unknown, counts: counts, document: row.text(12) ?? "")
        }
    }

    /// The most recently saved assessment with its document, or `nil` when none is stored.
    public func latestAssessment() async throws -> StoredAssessment? {
        try await assessments(limit: 1, withDocuments: true).first
    }
}
