/// An Exchange build number: `major.minor.build.revision`, e.g. `15.2.1748.36`.
///
/// The first three parts name the product and its cumulative update (CU);
/// security and hotfix updates change only the revision.
public struct BuildNumber: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int
    public var build: Int
    public var revision: Int

    public init(_ major: Int, _ minor: Int, _ build: Int, _ revision: Int) {
        self.major = major
        self.minor = minor
        self.build = build
        self.revision = revision
    }

    /// Sorts below every real build.
    static let lowest = BuildNumber(Int.min, 0, 0, 0)
    /// Sorts above every real build.
    static let highest = BuildNumber(Int.max, 0, 0, 0)

    /// The canonical dotted form without zero padding, e.g. `15.2.1544.11`.
    public var description: String { "\(major).\(minor).\(build).\(revision)" }

    /// The three-part form that identifies a CU, e.g. `15.2.1544`.
    public var cuPrefix: String { "\(major).\(minor).\(build)" }

    public static func < (lhs: BuildNumber, rhs: BuildNumber) -> Bool {
        (lhs.major, lhs.minor, lhs.build, lhs.revision) < (rhs.major, rhs.minor, rhs.build, rhs.revision)
    }

    /// Parses exactly four dotted numeric parts (zero padding allowed), as catalog files use.
    /// - Returns: `nil` for anything else.
    public init?(strict text: some StringProtocol) {
        guard let parsed = try? VersionInput(parsing: text), parsed.form == .fourPart else { return nil }
        self = parsed.build
    }
}
