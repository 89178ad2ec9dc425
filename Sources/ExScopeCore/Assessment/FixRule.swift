/// What fixes one vulnerability on one CU, resolved from the catalog once at load.
enum FixRule: Sendable {
    case notAffected(reason: String)
    /// No build of this CU is fixed.
    case noFix(advice: String)
    /// Fixed from `build` on. `cumulative` means the CU is newer than every listed
    /// fix, so it contains the fix from its first build.
    case fixed(build: BuildNumber, update: String?, cumulative: Bool)
    /// The fix is configuration; builds below `minimumBuild` cannot take it.
    case configuration(text: String, minimumBuild: BuildNumber?, minimumUpdate: String?)

    /// Where a line sits for rule resolution.
    enum Position {
        case line(Int)
        case beforeFirst
        case afterLast
    }

    static func resolve(_ vulnerability: Vulnerability, product: Product, position: Position, catalog products: [Product]) -> FixRule {
        guard let affected = vulnerability.affected.first(where: { $0.product == product.id }) else {
            let reason = vulnerability.notAffected[product.id]
                ?? "\(product.name) is not among the products \(vulnerability.id) affects."
            return .notAffected(reason: reason)
        }
        // Listed fixes in line order.
        let listed: [(index: Int, fix: LineFix)] = affected.fixes.compactMap { fix in
            product.lines.firstIndex { $0.name == fix.line }.map { ($0, fix) }
        }.sorted { $0.index < $1.index }

        let index: Int
        switch position {
        case .beforeFirst:
            return .noFix(advice: advice(vulnerability, product: product, after: -1, listed: listed, affected: affected, products: products))
        case .afterLast:
            index = product.lines.count
        case .line(let i):
            index = i
        }
        if let match = listed.first(where: { $0.index == index }) {
            let fix = match.fix
            if let configuration = fix.configuration {
                return .configuration(text: configuration, minimumBuild: fix.minimumBuild, minimumUpdate: fix.update)
            }
            if let build = fix.fixedIn {
                return .fixed(build: build, update: fix.update, cumulative: false)
            }
        }
        if let newest = listed.last, index > newest.index {
            if let configuration = newest.fix.configuration {
                return .configuration(text: configuration, minimumBuild: nil, minimumUpdate: nil)
            }
            let base = index < product.lines.count ? product.lines[index].base : BuildNumber(product.major, product.minors.upperBound, product.builds.upperBound, 0)
            return .fixed(build: base, update: nil, cumulative: true)
        }
        return .noFix(advice: advice(vulnerability, product: product, after: index, listed: listed, affected: affected, products: products))
    }

    /// "no fix exists for this CU: move to …"
    private static func advice(_ vulnerability: Vulnerability, product: Product, after index: Int,
                               listed: [(index: Int, fix: LineFix)], affected: AffectedProduct, products: [Product]) -> String {
        var targets: [String] = []
        if let newest = listed.last, newest.index > index {
            // The newest line of the product includes the fix: either it is listed, or it is
            // newer than the newest listed build fix.
            let lastLine = product.lines[product.lines.count - 1]
            if newest.index == product.lines.count - 1 {
                if let build = newest.fix.fixedIn {
                    let update = newest.fix.update.map { " with \($0)" } ?? ""
                    targets.append("\(product.name) \(lastLine.name)\(update) (\(build) or later)")
                } else if let minimum = newest.fix.minimumBuild {
                    targets.append("\(product.name) \(lastLine.name) (\(minimum) or later) and configure the fix")
                } else {
                    targets.append("\(product.name) \(lastLine.name) and configure the fix")
                }
            } else if newest.fix.configuration == nil {
                targets.append("\(product.name) \(lastLine.name) (\(lastLine.base) or later)")
            }
        }
        if let successorID = product.successor, let successor = products.first(where: { $0.id == successorID }) {
            targets.append(successor.name)
        }
        let scope = affected.fixes.isEmpty ? "for \(product.name)" : "for this CU"
        let note = affected.noFixNote.map { " (\($0))" } ?? ""
        guard !targets.isEmpty else { return "no fix exists \(scope)\(note)." }
        return "no fix exists \(scope)\(note): move to \(targets.joined(separator: ", or to "))."
    }

    /// The builds at which this rule's status can change within a line.
    var thresholds: [BuildNumber] {
        switch self {
        case .fixed(let build, _, let cumulative): cumulative ? [] : [build]
        case .configuration(_, let minimum?, _): [minimum]
        default: []
        }
    }

    /// The finding for a build known exactly.
    func finding(_ vulnerability: Vulnerability, at installed: BuildNumber, line label: String) -> Finding {
        let id = vulnerability.id
        switch self {
        case .notAffected(let reason):
            return Finding(id: id, status: .notAffected, fixedIn: nil, reason: reason)
        case .noFix(let advice):
            return Finding(id: id, status: .vulnerable, fixedIn: nil, reason: Self.capitalised(advice))
        case .fixed(let build, let update, let cumulative):
            if cumulative {
                return Finding(id: id, status: .patched, fixedIn: nil,
                               reason: Self.patched("\(label) is newer than the fixed builds for \(id) and includes the fix.", vulnerability))
            }
            let name = update.map { " (\($0))" } ?? ""
            if installed >= build {
                return Finding(id: id, status: .patched, fixedIn: build.description,
                               reason: Self.patched("At or above the first fixed build of \(label), \(build)\(name).", vulnerability))
            }
            let install = update.map { "install \($0) or later" } ?? "update to \(build) or later"
            return Finding(id: id, status: .vulnerable, fixedIn: build.description,
                           reason: "Below the first fixed build of \(label), \(build)\(name): \(install).")
        case .configuration(let text, let minimum, let minimumUpdate):
            if let minimum, installed < minimum {
                let name = minimumUpdate.map { "\($0) (\(minimum))" } ?? "\(minimum)"
                return Finding(id: id, status: .vulnerable, fixedIn: nil,
                               reason: "The fix is configuration this build cannot take yet: install \(name) or later, then \(Self.lowercasedFirst(text))")
            }
            return Finding(id: id, status: .indeterminate, fixedIn: nil,
                           reason: "The fix is configuration, not a build, so a build cannot show it: \(Self.lowercasedFirst(text))")
        }
    }

    /// The finding when only the CU is known.
    func cuFinding(_ vulnerability: Vulnerability, lineBase: BuildNumber, line label: String) -> Finding {
        switch self {
        case .fixed(let build, let update, let cumulative) where !cumulative && build > lineBase:
            let name = update.map { " (\($0))" } ?? ""
            return Finding(id: vulnerability.id, status: .indeterminate, fixedIn: build.description,
                           reason: "The installed update is unknown: \(label) is fixed only from \(build)\(name) on.")
        case .configuration:
            return finding(vulnerability, at: .highest, line: label)
        default:
            // No threshold above the CU's own build: every build of the CU gives the same answer.
            return finding(vulnerability, at: lineBase, line: label)
        }
    }

    private static func patched(_ sentence: String, _ vulnerability: Vulnerability) -> String {
        guard let note = vulnerability.patchedNote else { return sentence }
        return sentence + " " + note
    }

    static func capitalised(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }

    private static func lowercasedFirst(_ text: String) -> String {
        guard let first = text.first, first.isUppercase, text.dropFirst().first?.isUppercase != true else { return text }
        return first.lowercased() + text.dropFirst()
    }
}
