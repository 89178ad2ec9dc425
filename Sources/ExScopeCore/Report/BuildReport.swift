/// The machine-readable verdict for one version string: one JSON object per input
/// in `exscope build --format json`, and the build part of every later output.
public struct BuildReport: Sendable, Hashable, Codable {
    /// The schema name and version of this object.
    public static let schemaID = "exscope.build/1"

    public var schema: String
    public var input: String
    /// The build as far as it is known: four parts for exact input, fewer otherwise.
    public var build: String
    public var precision: Precision
    public var product: String
    public var productId: String
    /// The CU or service pack, or `nil` when the build is outside every known one.
    public var cu: String?
    /// The update name (e.g. `Apr25HU`) when the build is exactly a known update.
    public var update: String?
    public var updateKind: String?
    public var placement: Verdict.Placement
    public var releaseDate: CalendarDate?
    public var kb: String?
    public var support: SupportStatus
    public var supportReason: String
    public var endOfSupport: CalendarDate?
    /// The date support was judged on.
    public var asOf: CalendarDate
    public var catalogDate: CalendarDate
    public var notes: [String]
    public var findings: [Finding]

    /// Builds the report for a verdict.
    public init(_ verdict: Verdict, asOf: CalendarDate) {
        schema = Self.schemaID
        input = verdict.input
        build = verdict.buildText
        precision = verdict.precision
        product = verdict.product.name
        productId = verdict.product.id
        cu = verdict.line?.name
        update = verdict.update?.name
        updateKind = verdict.update?.kind.rawValue
        placement = verdict.placement
        releaseDate = verdict.releaseDate
        kb = verdict.kb
        support = verdict.support.status
        supportReason = verdict.support.reason
        endOfSupport = verdict.support.endOfSupport
        self.asOf = asOf
        catalogDate = verdict.catalogDate
        notes = verdict.notes
        findings = verdict.findings
    }
}
