/// The status of one vulnerability for one build.
public enum FindingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The build is affected and not fixed.
    case vulnerable
    /// The build contains the fix.
    case patched
    /// The evidence is too coarse to tell, or the fix is configuration a build cannot show.
    case indeterminate
    /// The product is not affected.
    case notAffected = "not-affected"
}

/// One vulnerability's verdict for one build. The same object appears in every
/// ExScope output that reports findings.
public struct Finding: Sendable, Hashable, Codable {
    /// The vulnerability id, e.g. `CVE-2025-53786`.
    public var id: String
    public var status: FindingStatus
    /// The first fixed build for this build's CU, when one exists.
    public var fixedIn: String?
    /// One sentence saying why.
    public var reason: String

    public init(id: String, status: FindingStatus, fixedIn: String?, reason: String) {
        self.id = id
        self.status = status
        self.fixedIn = fixedIn
        self.reason = reason
    }
}
