/// Precomputed support texts for one line, so a verdict only compares dates.
struct SupportTexts: Sendable {
    var supported: String
    var outdated: String
    var endOfLife: String
    /// End of life after the last ESU period of an ESU-covered line.
    var endOfLifeAfterESU: String
    /// Per ESU window (same order as the product's windows), when the line is covered.
    var esu: [String]
}

extension Catalog {
    static func supportTexts(_ product: Product, line: ReleaseLine?, products: [Product]) -> SupportTexts {
        let successor = product.successor.flatMap { id in products.first { $0.id == id }?.name }
        let moveTo = successor.map { " Move to \($0)." } ?? ""
        let lineName = line.map { "\(product.name) \($0.name)" } ?? product.name
        let untilText = product.endOfSupport.map { " until \($0)" } ?? ""
        var texts = SupportTexts(supported: "", outdated: "", endOfLife: "", endOfLifeAfterESU: "", esu: [])
        if let end = product.endOfSupport {
            texts.endOfLife = "\(product.name) reached end of support on \(end) and gets no more updates.\(moveTo)"
            if let line, let esu = product.esu, esu.lines.contains(line.name), let last = esu.windows.last {
                texts.endOfLifeAfterESU = "\(product.name) reached end of support on \(end) and gets no more updates. The last Extended Security Update period ended on \(last.end).\(moveTo)"
                texts.esu = esu.windows.map { window in
                    "\(product.name) reached end of support on \(end); \(line.name) can get security fixes only through the paid Extended Security Update program (\(window.name), until \(window.end)), which is not support.\(moveTo)"
                }
            } else {
                texts.endOfLifeAfterESU = texts.endOfLife
            }
        }
        switch product.lifecycle {
        case .modern:
            texts.supported = "\(lineName) is the latest CU; \(product.name) supports only the latest CU."
        case .fixed:
            texts.supported = "\(lineName) is supported\(untilText)."
            if let line, let ends = line.supportEnds {
                let latest = product.lines.last.map { ": install \($0.name), the latest CU" } ?? ""
                texts.outdated = "\(line.name) stopped receiving updates after \(ends)\(latest)."
            }
        }
        return texts
    }

    /// The support status of a product and line on `date`. End of life wins over
    /// every other status; a CU's own end of support matters only while the
    /// product is supported.
    func support(productIndex: Int, lineIndex: Int?, placement: Verdict.Placement, asOf date: CalendarDate) -> SupportVerdict {
        let product = products[productIndex]
        let line = lineIndex.map { product.lines[$0] }
        let texts = lineIndex.map { tables[productIndex][$0].support } ?? productTables[productIndex].support

        if let end = product.endOfSupport, date > end {
            if line != nil, let esu = product.esu, !texts.esu.isEmpty {
                if let window = esu.windows.firstIndex(where: { $0.start <= date && date <= $0.end }) {
                    return SupportVerdict(status: .extendedSecurityUpdates, endOfSupport: end, reason: texts.esu[window])
                }
                if let last = esu.windows.last, date > last.end {
                    return SupportVerdict(status: .endOfLife, endOfSupport: end, reason: texts.endOfLifeAfterESU)
                }
            }
            return SupportVerdict(status: .endOfLife, endOfSupport: end, reason: texts.endOfLife)
        }
        let untilText = product.endOfSupport.map { " until \($0)" } ?? ""
        switch placement {
        case .productOnly:
            return SupportVerdict(status: .unknown, endOfSupport: product.endOfSupport,
                                  reason: "\(product.name) is supported\(untilText), but only some of its CUs are; the CU is unknown.")
        case .beforeFirstRelease:
            return SupportVerdict(status: .outdatedCU, endOfSupport: product.endOfSupport,
                                  reason: "A pre-release build of \(product.name) is not supported: install the latest CU.")
        case .newerCUThanCatalog:
            return SupportVerdict(status: .supported, endOfSupport: product.endOfSupport,
                                  reason: "Newer than every CU the catalog (\(self.date)) knows, so taken as the latest CU of \(product.name).")
        default:
            break
        }
        guard let line else {
            return SupportVerdict(status: .unknown, endOfSupport: product.endOfSupport, reason: "The CU is unknown.")
        }
        switch product.lifecycle {
        case .modern:
            if let latest = product.latestLine(asOf: date), latest !== line, latest.base > line.base {
                return SupportVerdict(
                    status: .outdatedCU, endOfSupport: nil,
                    reason: "\(product.name) supports only its latest CU, \(latest.name) (\(latest.released)): install it.")
            }
            return SupportVerdict(status: .supported, endOfSupport: nil, reason: texts.supported)
        case .fixed:
            if let ends = line.supportEnds, date > ends {
                return SupportVerdict(status: .outdatedCU, endOfSupport: product.endOfSupport, reason: texts.outdated)
            }
            return SupportVerdict(status: .supported, endOfSupport: product.endOfSupport, reason: texts.supported)
        }
    }
}
