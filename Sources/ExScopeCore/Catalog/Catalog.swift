/// The Exchange knowledge base: products, their CUs and updates, lifecycle dates
/// and vulnerabilities with the first fixed build per CU.
///
/// A catalog is decoded from bytes (``init(decoding:source:)``) and is immutable
/// afterwards. Decoding checks the data and precomputes the verdict tables, so
/// ``verdict(for:asOf:)`` does no allocation beyond its result.
public struct Catalog: Sendable {
    /// The catalog format this code reads.
    public static let schema = "exscope.catalog/1"

    /// The date of the newest fact in the catalog; every output names it.
    public let date: CalendarDate
    /// Free text describing where the data comes from.
    public let about: String
    public let products: [Product]
    public let vulnerabilities: [Vulnerability]

    /// (major, minor, build) → the product and line for build-keyed products;
    /// (major, minor, `minorKeyedBuild`) for products whose releases are service packs.
    let lineIndex: [UInt64: LineLocation]
    /// Per product (same order as `products`), per line: the precomputed findings.
    let tables: [[LineTable]]
    /// Per product: findings when only the product is known, or when the build is
    /// outside every known line.
    let productTables: [ProductTable]

    struct LineLocation: Sendable {
        var product: Int
        var line: Int
    }

    static let minorKeyedBuild = 0xF_FFFF

    static func key(_ major: Int, _ minor: Int, _ build: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: major) << 48 | UInt64(truncatingIfNeeded: minor & 0xFFFF) << 32
            | UInt64(truncatingIfNeeded: build & 0xFFFF_FFFF)
    }

    /// Finds a product by its id, e.g. `exchange-2019`.
    public func product(id: String) -> Product? { products.first { $0.id == id } }

    /// Finds a vulnerability by its id, e.g. `CVE-2025-53786`.
    public func vulnerability(id: String) -> Vulnerability? { vulnerabilities.first { $0.id == id } }
}

/// One Exchange product, e.g. Exchange Server 2019.
public final class Product: Sendable {
    /// How support ends.
    public enum Lifecycle: String, Sendable {
        /// Fixed Lifecycle Policy: an end-of-support date; CUs lose support as newer ones ship.
        case fixed
        /// Modern Lifecycle Policy (Subscription Edition): only the latest CU is supported.
        case modern
    }

    /// Stable id, e.g. `exchange-2019`.
    public let id: String
    /// Display name, e.g. `Exchange Server 2019`.
    public let name: String
    public let major: Int
    public let minors: ClosedRange<Int>
    /// The third build part range this product owns (2019 and SE share `15.2`).
    public let builds: ClosedRange<Int>
    /// Whether releases are told apart by the minor part (service packs of 2007/2010)
    /// rather than by the third part (CUs of 2013 and later).
    public let linesByMinor: Bool
    public let lifecycle: Lifecycle
    public let released: CalendarDate?
    public let mainstreamEnd: CalendarDate?
    /// End of extended support, for the fixed lifecycle.
    public let endOfSupport: CalendarDate?
    /// Paid Extended Security Updates, when offered.
    public let esu: ExtendedSecurityUpdates?
    /// The product id to move to.
    public let successor: String?
    /// Whether the product can be in an Exchange hybrid deployment with OAuth.
    public let hybridOAuth: Bool
    /// CUs or service packs, oldest first.
    public let lines: [ReleaseLine]

    init(id: String, name: String, major: Int, minors: ClosedRange<Int>, builds: ClosedRange<Int>, linesByMinor: Bool,
         lifecycle: Lifecycle, released: CalendarDate?, mainstreamEnd: CalendarDate?, endOfSupport: CalendarDate?,
         esu: ExtendedSecurityUpdates?, successor: String?, hybridOAuth: Bool, lines: [ReleaseLine]) {
        self.id = id
        self.name = name
        self.major = major
        self.minors = minors
        self.builds = builds
        self.linesByMinor = linesByMinor
        self.lifecycle = lifecycle
        self.released = released
        self.mainstreamEnd = mainstreamEnd
        self.endOfSupport = endOfSupport
        self.esu = esu
        self.successor = successor
        self.hybridOAuth = hybridOAuth
        self.lines = lines
    }

    func owns(_ build: BuildNumber) -> Bool {
        build.major == major && minors.contains(build.minor) && (linesByMinor || builds.contains(build.build))
    }

    /// The newest line released on or before `date`.
    func latestLine(asOf date: CalendarDate) -> ReleaseLine? {
        lines.last { $0.released <= date }
    }
}

/// Paid Extended Security Updates for some CUs of a product past its end of support.
public struct ExtendedSecurityUpdates: Sendable {
    public struct Window: Sendable {
        public let name: String
        public let start: CalendarDate
        public let end: CalendarDate
    }

    /// The line names covered, e.g. `CU14`, `CU15`.
    public let lines: [String]
    public let windows: [Window]

    func window(covering date: CalendarDate) -> Window? {
        windows.first { $0.start <= date && date <= $0.end }
    }
}

/// A CU (or, before 2013, a service pack) and the updates released for it.
public final class ReleaseLine: Sendable {
    /// E.g. `CU23`, `RTM`, `SP3`.
    public let name: String
    /// The CU's own build.
    public let base: BuildNumber
    public let released: CalendarDate
    public let kb: String?
    /// The day after which this CU no longer gets updates while the product does.
    public let supportEnds: CalendarDate?
    /// Security and hotfix updates, by build.
    public let updates: [Update]

    init(name: String, base: BuildNumber, released: CalendarDate, kb: String?, supportEnds: CalendarDate?, updates: [Update]) {
        self.name = name
        self.base = base
        self.released = released
        self.kb = kb
        self.supportEnds = supportEnds
        self.updates = updates
    }

    /// The newest build the catalog knows for this line.
    public var newestBuild: BuildNumber { updates.last?.build ?? base }
}

/// A security update (SU), hotfix update (HU) or update rollup (RU).
public struct Update: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case securityUpdate = "security-update"
        case hotfixUpdate = "hotfix-update"
        case updateRollup = "update-rollup"
    }

    /// E.g. `Apr25HU`, `Aug25SUv2`.
    public let name: String
    public let kind: Kind
    public let build: BuildNumber
    public let released: CalendarDate
    public let kb: String?
    public let note: String?
}

/// A vulnerability and, per product and CU, what fixes it.
public struct Vulnerability: Sendable {
    public let id: String
    public let title: String
    /// A common name such as `ProxyLogon`, if it has one.
    public let group: String?
    public let cvss: Double
    public let vector: String?
    public let published: CalendarDate?
    public let references: [String]
    public let remediation: String
    /// Added to the reason of every `patched` finding: what a build cannot show.
    public let patchedNote: String?
    public let affected: [AffectedProduct]
    /// Products explicitly not affected, with the reason to print.
    public let notAffected: [String: String]
}

/// How one product is affected by one vulnerability.
public struct AffectedProduct: Sendable {
    public let product: String
    /// Fixes per line; lines newer than the newest listed build fix are fixed at
    /// their base build (CUs are cumulative); older or unlisted lines have no fix.
    public let fixes: [LineFix]
    /// Why there is no fix, when `fixes` is empty.
    public let noFixNote: String?
}

/// The fix for one CU.
public struct LineFix: Sendable {
    public let line: String
    /// The first build of the line that is fixed, when a build fixes it.
    public let fixedIn: BuildNumber?
    /// The update that first fixes it, e.g. `Apr25HU`.
    public let update: String?
    /// When the fix is configuration rather than a build: what to configure.
    public let configuration: String?
    /// The build the configuration needs at least.
    public let minimumBuild: BuildNumber?
}
