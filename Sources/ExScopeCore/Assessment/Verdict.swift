/// Everything ExScope can say about one build: product, CU, update, support and
/// the status of every vulnerability in the catalog.
public struct Verdict: Sendable {
    /// Where the build sits among the builds the catalog knows.
    public enum Placement: String, Sendable, Hashable, Codable {
        /// Exactly a known update.
        case update
        /// Exactly the CU's own build.
        case cuBase = "cu-base"
        /// A revision between two known builds of the CU (a private or interim build).
        case betweenUpdates = "between-updates"
        /// A revision below the CU's own build (a pre-release build).
        case belowCUBase = "below-cu-base"
        /// A revision above every build the catalog knows for the CU.
        case newerThanCatalog = "newer-than-catalog"
        /// The CU is known, the update is not (three-part or AdminDisplayVersion input).
        case cuOnly = "cu-only"
        /// A build part between two known CUs; placed after the lower one.
        case betweenCUs = "between-cus"
        /// A build part above every CU the catalog knows for the product.
        case newerCUThanCatalog = "newer-cu-than-catalog"
        /// A build part below the product's first release.
        case beforeFirstRelease = "before-first-release"
        /// Only the product is known.
        case productOnly = "product-only"
    }

    /// The text that was parsed, trimmed.
    public let input: String
    public let build: BuildNumber
    public let precision: Precision
    public let product: Product
    /// The CU or service pack; `nil` when the build is outside every known line.
    public let line: ReleaseLine?
    /// The update when the build is exactly a known one.
    public let update: Update?
    public let placement: Placement
    /// The date of the catalog that produced this verdict.
    public let catalogDate: CalendarDate
    public let support: SupportVerdict
    /// One finding per vulnerability in the catalog, in catalog order.
    public let findings: [Finding]
    /// The nearest known builds below and above, for `betweenUpdates`.
    let neighbours: (below: BuildNumber?, above: BuildNumber?)

    /// The build as it should be printed: four parts for exact input, fewer otherwise.
    public var buildText: String {
        switch precision {
        case .exact: build.description
        case .cu: build.cuPrefix
        case .product, .none: "\(build.major).\(build.minor)"
        }
    }

    /// The release date of the exact update or CU build, when known.
    public var releaseDate: CalendarDate? {
        if let update { return update.released }
        if placement == .cuBase || placement == .cuOnly { return line?.released }
        return nil
    }

    /// The KB article of the exact update or CU, when known.
    public var kb: String? {
        if let update { return update.kb }
        if placement == .cuBase || placement == .cuOnly { return line?.kb }
        return nil
    }

    /// Sentences about how the build was placed, when it is not a known build.
    public var notes: [String] {
        let lineName = line.map { "\(product.name) \($0.name)" } ?? product.name
        switch placement {
        case .update, .cuBase, .productOnly:
            return []
        case .cuOnly:
            return ["\(input) names the CU only, not the installed update; verdicts that depend on the update are indeterminate."]
        case .betweenUpdates:
            let below = neighbours.below.map { " above \($0)" } ?? ""
            let above = neighbours.above.map { " and below \($0)" } ?? ""
            return ["\(build) is not a build the catalog (\(catalogDate)) lists; it sits\(below)\(above) in \(lineName) and is judged by its number."]
        case .belowCUBase:
            return ["\(build) is below the release build of \(lineName) (\(line?.base.description ?? "?")): a pre-release build, judged by its number."]
        case .newerThanCatalog:
            let newest = line?.updates.last.map { "\($0.build) (\($0.name))" } ?? line?.base.description ?? "?"
            return ["\(build) is newer than anything the catalog (\(catalogDate)) knows for \(lineName), whose newest build is \(newest): the update name is unknown; load a newer catalog with --catalog."]
        case .betweenCUs:
            return ["\(build.cuPrefix) is not a CU the catalog knows; it is placed after \(lineName) and judged at CU level."]
        case .newerCUThanCatalog:
            return ["\(build.cuPrefix) is newer than every CU the catalog (\(catalogDate)) knows for \(product.name): load a newer catalog with --catalog. CUs are cumulative, so fixes the catalog knows are counted as included."]
        case .beforeFirstRelease:
            return ["\(build.cuPrefix) is older than the first release of \(product.name) the catalog knows: a pre-release build."]
        }
    }
}

/// Why a version could not be given a verdict. Equality compares the code only.
public struct VerdictError: Error, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case malformed, unknownProduct, exchangeOnline, ambiguousProduct
    }

    public let code: Code
    public let reason: String
    public var description: String { reason }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func malformed(_ input: String, _ error: VersionParseError) -> Self {
        Self(code: .malformed, reason: "'\(Self.printable(input))': \(error.reason)")
    }
    static func unknownProduct(_ input: String) -> Self {
        Self(code: .unknownProduct, reason: "'\(Self.printable(input))' is not a build of any Exchange Server version the catalog knows (8.x, 14.x, 15.0, 15.1, 15.2)")
    }
    static func exchangeOnline(_ input: String) -> Self {
        Self(code: .exchangeOnline, reason: "'\(Self.printable(input))' is an Exchange Online (Microsoft 365) build, not an on-premises server")
    }
    static func ambiguous(_ input: String) -> Self {
        Self(code: .ambiguousProduct, reason: "'\(Self.printable(input))' is shared by Exchange 2019 and Exchange SE; give at least the third part, e.g. 15.2.1748")
    }

    /// Keeps error messages on one line and free of terminal control bytes.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(80) {
            out.unicodeScalars.append(scalar.value >= 0x20 && scalar.value != 0x7F ? scalar : "?")
        }
        return text.unicodeScalars.count > 80 ? out + "…" : out
    }
}
