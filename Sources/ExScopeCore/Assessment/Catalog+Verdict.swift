/// Precomputed findings for one line.
struct LineTable: Sendable {
    /// Sorted, distinct builds at which some finding changes.
    var thresholds: [BuildNumber]
    /// `thresholds.count + 1` finding lists; list `k` holds for builds in
    /// `thresholds[k-1] ..< thresholds[k]`.
    var exact: [[Finding]]
    /// Findings when only the CU is known.
    var cuLevel: [Finding]
    var support: SupportTexts

    func findings(at build: BuildNumber) -> [Finding] {
        // Upper bound: the number of thresholds <= build.
        var low = 0, high = thresholds.count
        while low < high {
            let mid = (low + high) / 2
            if thresholds[mid] <= build { low = mid + 1 } else { high = mid }
        }
        return exact[low]
    }
}

/// Precomputed findings for builds outside every line, or with only the product known.
struct ProductTable: Sendable {
    var productOnly: [Finding]
    var beforeFirst: [Finding]
    var afterLast: [Finding]
    var support: SupportTexts
}

extension Catalog {
    /// Builds the verdict tables; called once when the catalog is decoded.
    static func makeTables(products: [Product], vulnerabilities: [Vulnerability]) -> ([[LineTable]], [ProductTable]) {
        var lineTables: [[LineTable]] = []
        var productTables: [ProductTable] = []
        for product in products {
            var tables: [LineTable] = []
            for (index, line) in product.lines.enumerated() {
                let label = "\(product.name) \(line.name)"
                let rules = vulnerabilities.map { FixRule.resolve($0, product: product, position: .line(index), catalog: products) }
                let thresholds = Array(Set(rules.flatMap(\.thresholds))).sorted()
                var exact: [[Finding]] = []
                for k in 0...thresholds.count {
                    let representative = k == 0 ? BuildNumber.lowest : thresholds[k - 1]
                    exact.append(zip(rules, vulnerabilities).map { $0.finding($1, at: representative, line: label) })
                }
                let cuLevel = zip(rules, vulnerabilities).map { $0.cuFinding($1, lineBase: line.base, line: label) }
                tables.append(LineTable(thresholds: thresholds, exact: exact, cuLevel: cuLevel,
                                        support: supportTexts(product, line: line, products: products)))
            }
            let before = vulnerabilities.map {
                FixRule.resolve($0, product: product, position: .beforeFirst, catalog: products).finding($0, at: .lowest, line: "This pre-release build")
            }
            let after = vulnerabilities.map {
                FixRule.resolve($0, product: product, position: .afterLast, catalog: products).finding($0, at: .highest, line: "This CU")
            }
            let productOnly = vulnerabilities.indices.map { v in
                Self.productLevelFinding(vulnerabilities[v], product: product, lineFindings: tables.map { $0.cuLevel[v] })
            }
            lineTables.append(tables)
            productTables.append(ProductTable(productOnly: productOnly, beforeFirst: before, afterLast: after,
                                              support: supportTexts(product, line: nil, products: products)))
        }
        return (lineTables, productTables)
    }

    /// When only the product is known, a status holds only if every CU agrees.
    private static func productLevelFinding(_ vulnerability: Vulnerability, product: Product, lineFindings: [Finding]) -> Finding {
        let statuses = Set(lineFindings.map(\.status))
        if statuses.count == 1, let only = lineFindings.first {
            let scope = only.status == .notAffected ? "" : "Every CU of \(product.name) agrees: "
            return Finding(id: vulnerability.id, status: only.status, fixedIn: nil, reason: scope + only.reason)
        }
        return Finding(id: vulnerability.id, status: .indeterminate, fixedIn: nil,
                       reason: "Depends on the CU and update of \(product.name), which the evidence does not show.")
    }

    /// Gives the verdict for one version string.
    ///
    /// - Parameters:
    ///   - text: e.g. `15.2.1544.11`, `15.02.1544.011`, `15.2.1544`, `Version 15.2 (Build 1544.4)`.
    ///   - date: the day support status is judged on (ExScope never reads the clock here).
    /// - Throws: ``VerdictError`` for input that is not an on-premises Exchange build.
    public func verdict(for text: String, asOf date: CalendarDate) throws(VerdictError) -> Verdict {
        let parsed: VersionInput
        do {
            parsed = try VersionInput(parsing: text)
        } catch {
            throw .malformed(text, error)
        }
        return try verdict(for: parsed, input: text, asOf: date)
    }

    /// Gives the verdict for an already parsed build.
    public func verdict(for parsed: VersionInput, input: String, asOf date: CalendarDate) throws(VerdictError) -> Verdict {
        let build = parsed.build
        if build.major == 15 && build.minor >= 20 { throw .exchangeOnline(input) }
        let trimmed = Self.trim(input)

        if parsed.precision == .product {
            let owners = products.indices.filter { products[$0].major == build.major && products[$0].minors.contains(build.minor) }
            guard let productIndex = owners.first else { throw .unknownProduct(trimmed) }
            guard owners.count == 1 || products[productIndex].linesByMinor else { throw .ambiguous(trimmed) }
            let product = products[productIndex]
            if product.linesByMinor, let location = lineIndex[Self.key(build.major, build.minor, Self.minorKeyedBuild)] {
                return make(trimmed, build, .cu, location.product, location.line, nil, .cuOnly,
                            tables[location.product][location.line].cuLevel, date)
            }
            return make(trimmed, build, .product, productIndex, nil, nil, .productOnly, productTables[productIndex].productOnly, date)
        }

        let lookupBuild = build.major < 15 ? Self.minorKeyedBuild : build.build
        if let location = lineIndex[Self.key(build.major, build.minor, lookupBuild)] {
            let line = products[location.product].lines[location.line]
            let table = tables[location.product][location.line]
            if parsed.precision != .exact {
                return make(trimmed, build, .cu, location.product, location.line, nil, .cuOnly, table.cuLevel, date)
            }
            let (update, placement, neighbours) = Self.place(build, in: line)
            return make(trimmed, build, .exact, location.product, location.line, update, placement,
                        table.findings(at: build), date, neighbours: neighbours)
        }

        // Not a known line: place it numerically within its product.
        guard let productIndex = products.firstIndex(where: { $0.owns(build) }) else { throw .unknownProduct(trimmed) }
        let product = products[productIndex]
        let precision: Precision = parsed.precision == .exact ? .cu : parsed.precision
        if let lineIndex = product.lines.lastIndex(where: { $0.base.build < build.build }) {
            if lineIndex == product.lines.count - 1 {
                return make(trimmed, build, precision, productIndex, nil, nil, .newerCUThanCatalog, productTables[productIndex].afterLast, date)
            }
            return make(trimmed, build, precision, productIndex, lineIndex, nil, .betweenCUs, tables[productIndex][lineIndex].cuLevel, date)
        }
        return make(trimmed, build, precision, productIndex, nil, nil, .beforeFirstRelease, productTables[productIndex].beforeFirst, date)
    }

    private func make(_ input: String, _ build: BuildNumber, _ precision: Precision, _ product: Int, _ line: Int?,
                      _ update: Update?, _ placement: Verdict.Placement, _ findings: [Finding], _ date: CalendarDate,
                      neighbours: (BuildNumber?, BuildNumber?) = (nil, nil)) -> Verdict {
        let productValue = products[product]
        let lineValue = line.map { productValue.lines[$0] }
        return Verdict(input: input, build: build, precision: precision, product: productValue, line: lineValue,
                       update: update, placement: placement, catalogDate: self.date,
                       support: support(productIndex: product, lineIndex: line, placement: placement, asOf: date),
                       findings: findings, neighbours: neighbours)
    }

    /// Finds the update for an exact build of a line, or where it falls between known builds.
    static func place(_ build: BuildNumber, in line: ReleaseLine) -> (Update?, Verdict.Placement, (BuildNumber?, BuildNumber?)) {
        if build == line.base { return (nil, .cuBase, (nil, nil)) }
        if build < line.base { return (nil, .belowCUBase, (nil, line.base)) }
        var low = 0, high = line.updates.count
        while low < high {
            let mid = (low + high) / 2
            if line.updates[mid].build < build { low = mid + 1 } else { high = mid }
        }
        if low < line.updates.count, line.updates[low].build == build { return (line.updates[low], .update, (nil, nil)) }
        if low == line.updates.count { return (nil, .newerThanCatalog, (line.newestBuild, nil)) }
        let below = low > 0 ? line.updates[low - 1].build : line.base
        return (nil, .betweenUpdates, (below, line.updates[low].build))
    }

    private static func trim(_ text: String) -> String {
        // Fast path: nothing to trim.
        if let first = text.utf8.first, let last = text.utf8.last, first > 0x20, last > 0x20, first < 0x80, last < 0x80 {
            return text
        }
        var scalars = Substring(text).unicodeScalars[...]
        while let first = scalars.first, first.properties.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
