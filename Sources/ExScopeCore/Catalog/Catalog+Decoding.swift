extension Catalog {
    /// The largest catalog file accepted.
    public static let maximumSize = 16 << 20

    /// Decodes and checks a catalog.
    ///
    /// - Parameters:
    ///   - bytes: the catalog file's content (`exscope.catalog/1` JSON).
    ///   - source: a label for errors, usually the file name.
    /// - Throws: ``CatalogError`` naming the line and the reason for the first problem found.
    public init(decoding bytes: [UInt8], source: String) throws(CatalogError) {
        guard bytes.count <= Self.maximumSize else {
            throw CatalogError(source: source, line: nil, reason: "file is \(bytes.count) bytes; a catalog is at most \(Self.maximumSize)")
        }
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes)
        } catch {
            throw CatalogError(source: source, line: error.line, reason: "invalid JSON: \(error.reason)")
        }
        let reader = CatalogReader(source: source)
        let document = try reader.object(root, "the catalog")
        let schema = try reader.string(document, "schema")
        guard schema == Self.schema else {
            throw reader.error(document.line(of: "schema"), "unsupported catalog schema '\(schema)'; this ExScope reads \(Self.schema)")
        }
        let date = try reader.date(document, "catalogDate")
        let about = try reader.optionalString(document, "about") ?? ""
        var products: [Product] = []
        for value in try reader.array(document, "products") {
            let product = try reader.product(value)
            if products.contains(where: { $0.id == product.id }) {
                throw reader.error(value.line, "duplicate product id '\(product.id)'")
            }
            if let clash = products.first(where: { $0.major == product.major && $0.minors.overlaps(product.minors)
                && ($0.linesByMinor || product.linesByMinor || $0.builds.overlaps(product.builds)) }) {
                throw reader.error(value.line, "product '\(product.id)' overlaps the build range of '\(clash.id)'")
            }
            products.append(product)
        }
        var vulnerabilities: [Vulnerability] = []
        for value in try reader.array(document, "vulnerabilities") {
            let vulnerability = try reader.vulnerability(value, products: products)
            if vulnerabilities.contains(where: { $0.id == vulnerability.id }) {
                throw reader.error(value.line, "duplicate vulnerability id '\(vulnerability.id)'")
            }
            vulnerabilities.append(vulnerability)
        }

        var index: [UInt64: LineLocation] = [:]
        for (p, product) in products.enumerated() {
            for (l, line) in product.lines.enumerated() {
                let build = product.linesByMinor ? Self.minorKeyedBuild : line.base.build
                index[Self.key(line.base.major, line.base.minor, build)] = LineLocation(product: p, line: l)
            }
        }
        self.date = date
        self.about = about
        self.products = products
        self.vulnerabilities = vulnerabilities
        self.lineIndex = index
        (self.tables, self.productTables) = Self.makeTables(products: products, vulnerabilities: vulnerabilities)
    }
}

/// An object's members with the line of each, for error messages.
struct JSONObject {
    var members: [(key: String, value: JSONValue)]
    var line: Int

    subscript(key: String) -> JSONValue? { members.first { $0.key == key }?.value }

    func line(of key: String) -> Int { self[key]?.line ?? line }
}

/// Typed access to the JSON tree; every failure names the line.
struct CatalogReader {
    let source: String

    func error(_ line: Int, _ reason: String) -> CatalogError {
        CatalogError(source: source, line: line, reason: reason)
    }

    func object(_ value: JSONValue, _ what: String) throws(CatalogError) -> JSONObject {
        guard case .object(let members) = value.kind else { throw error(value.line, "\(what) must be a JSON object") }
        return JSONObject(members: members, line: value.line)
    }

    func required(_ object: JSONObject, _ key: String) throws(CatalogError) -> JSONValue {
        guard let value = object[key], !value.isNull else { throw error(object.line, "missing \"\(key)\"") }
        return value
    }

    func string(_ object: JSONObject, _ key: String) throws(CatalogError) -> String {
        let value = try required(object, key)
        guard case .string(let text) = value.kind, !text.isEmpty else { throw error(value.line, "\"\(key)\" must be a non-empty string") }
        return text
    }

    func optionalString(_ object: JSONObject, _ key: String) throws(CatalogError) -> String? {
        guard let value = object[key], !value.isNull else { return nil }
        guard case .string(let text) = value.kind else { throw error(value.line, "\"\(key)\" must be a string or null") }
        return text.isEmpty ? nil : text
    }

    func array(_ object: JSONObject, _ key: String) throws(CatalogError) -> [JSONValue] {
        let value = try required(object, key)
        guard case .array(let elements) = value.kind else { throw error(value.line, "\"\(key)\" must be an array") }
        return elements
    }

    func optionalArray(_ object: JSONObject, _ key: String) throws(CatalogError) -> [JSONValue] {
        guard let value = object[key], !value.isNull else { return [] }
        guard case .array(let elements) = value.kind else { throw error(value.line, "\"\(key)\" must be an array") }
        return elements
    }

    func date(_ object: JSONObject, _ key: String) throws(CatalogError) -> CalendarDate {
        let value = try required(object, key)
        guard case .string(let text) = value.kind, let date = CalendarDate(parsing: text) else {
            throw error(value.line, "\"\(key)\" must be a date like 2025-04-18 (or 2019-07 when only the month is known)")
        }
        return date
    }

    func optionalDate(_ object: JSONObject, _ key: String) throws(CatalogError) -> CalendarDate? {
        guard let value = object[key], !value.isNull else { return nil }
        return try date(object, key)
    }

    func build(_ object: JSONObject, _ key: String) throws(CatalogError) -> BuildNumber {
        let value = try required(object, key)
        guard case .string(let text) = value.kind, let build = BuildNumber(strict: text) else {
            throw error(value.line, "\"\(key)\" must be a four-part build like 15.2.1748.24")
        }
        return build
    }

    func optionalBuild(_ object: JSONObject, _ key: String) throws(CatalogError) -> BuildNumber? {
        guard let value = object[key], !value.isNull else { return nil }
        return try build(object, key)
    }

    func integerRange(_ object: JSONObject, _ key: String, default fallback: ClosedRange<Int>?) throws(CatalogError) -> ClosedRange<Int> {
        guard let value = object[key], !value.isNull else {
            guard let fallback else { throw error(object.line, "missing \"\(key)\"") }
            return fallback
        }
        guard case .array(let bounds) = value.kind, bounds.count == 2,
              case .number(let low) = bounds[0].kind, case .number(let high) = bounds[1].kind,
              let lowInt = Int(exactly: low), let highInt = Int(exactly: high), lowInt >= 0, lowInt <= highInt
        else { throw error(value.line, "\"\(key)\" must be [low, high] with whole numbers, low <= high") }
        return lowInt...highInt
    }

    func bool(_ object: JSONObject, _ key: String, default fallback: Bool) throws(CatalogError) -> Bool {
        guard let value = object[key], !value.isNull else { return fallback }
        guard case .bool(let flag) = value.kind else { throw error(value.line, "\"\(key)\" must be true or false") }
        return flag
    }

    func product(_ value: JSONValue) throws(CatalogError) -> Product {
        let object = try self.object(value, "a product")
        let id = try string(object, "id")
        let name = try string(object, "name")
        let version = try string(object, "version")
        let versionParts = version.split(separator: ".", omittingEmptySubsequences: false).map { Int($0) }
        guard let major = versionParts.first ?? nil, versionParts.count <= 2, versionParts.allSatisfy({ $0 != nil }) else {
            throw error(object.line(of: "version"), "\"version\" must be a major (\"14\") or major.minor (\"15.2\") number")
        }
        let linesByMinor: Bool
        switch try string(object, "linesBy") {
        case "minor": linesByMinor = true
        case "build": linesByMinor = false
        default: throw error(object.line(of: "linesBy"), "\"linesBy\" must be \"minor\" (service packs) or \"build\" (CUs)")
        }
        let minors: ClosedRange<Int>
        if versionParts.count == 2, let minor = versionParts[1] {
            minors = minor...minor
        } else {
            minors = try integerRange(object, "minors", default: nil)
        }
        let builds = try integerRange(object, "builds", default: 0...Int(Int32.max))
        let lifecycle: Product.Lifecycle
        switch try string(object, "lifecycle") {
        case "fixed": lifecycle = .fixed
        case "modern": lifecycle = .modern
        default: throw error(object.line(of: "lifecycle"), "\"lifecycle\" must be \"fixed\" or \"modern\"")
        }
        let endOfSupport = try optionalDate(object, "endOfSupport")
        if lifecycle == .fixed && endOfSupport == nil {
            throw error(object.line, "product '\(id)' has the fixed lifecycle but no \"endOfSupport\"")
        }
        var esu: ExtendedSecurityUpdates?
        if let esuValue = object["esu"], !esuValue.isNull {
            let esuObject = try self.object(esuValue, "\"esu\"")
            var windows: [ExtendedSecurityUpdates.Window] = []
            for windowValue in try array(esuObject, "windows") {
                let window = try self.object(windowValue, "an ESU window")
                let start = try date(window, "start"), end = try date(window, "end")
                guard start <= end else { throw error(window.line, "ESU window ends before it starts") }
                windows.append(.init(name: try string(window, "name"), start: start, end: end))
            }
            var covered: [String] = []
            for line in try array(esuObject, "lines") {
                guard case .string(let name) = line.kind else { throw error(line.line, "ESU \"lines\" must be CU names") }
                covered.append(name)
            }
            esu = ExtendedSecurityUpdates(lines: covered, windows: windows.sorted { $0.start < $1.start })
        }

        var lines: [ReleaseLine] = []
        for lineValue in try array(object, "lines") {
            let line = try releaseLine(lineValue, major: major, minors: minors, builds: builds, linesByMinor: linesByMinor)
            if let previous = lines.last {
                guard previous.base < line.base else {
                    throw error(lineValue.line, "line \(line.name) (\(line.base)) must come after \(previous.name) (\(previous.base)): lines are ordered by build")
                }
                guard linesByMinor ? previous.base.minor != line.base.minor : previous.base.build != line.base.build else {
                    throw error(lineValue.line, "line \(line.name) has the same \(linesByMinor ? "minor" : "build") part as \(previous.name)")
                }
            }
            if lines.contains(where: { $0.name == line.name }) { throw error(lineValue.line, "duplicate line name '\(line.name)'") }
            lines.append(line)
        }
        guard !lines.isEmpty else { throw error(object.line, "product '\(id)' has no lines") }
        if let esu, let unknown = esu.lines.first(where: { name in !lines.contains { $0.name == name } }) {
            throw error(object.line(of: "esu"), "ESU names line '\(unknown)', which product '\(id)' does not have")
        }
        return Product(id: id, name: name, major: major, minors: minors, builds: builds, linesByMinor: linesByMinor,
                       lifecycle: lifecycle, released: try optionalDate(object, "released"),
                       mainstreamEnd: try optionalDate(object, "mainstreamEnd"), endOfSupport: endOfSupport, esu: esu,
                       successor: try optionalString(object, "successor"),
                       hybridOAuth: try bool(object, "hybridOAuth", default: true), lines: lines)
    }

    func releaseLine(_ value: JSONValue, major: Int, minors: ClosedRange<Int>, builds: ClosedRange<Int>, linesByMinor: Bool) throws(CatalogError) -> ReleaseLine {
        let object = try self.object(value, "a line")
        let name = try string(object, "name")
        let base = try build(object, "build")
        guard base.major == major, minors.contains(base.minor), linesByMinor || builds.contains(base.build) else {
            throw error(object.line(of: "build"), "build \(base) of line \(name) is outside its product's version range")
        }
        var updates: [Update] = []
        for updateValue in try optionalArray(object, "updates") {
            let update = try self.update(updateValue)
            let sameLine = update.build.major == base.major && update.build.minor == base.minor
                && (linesByMinor || update.build.build == base.build)
            guard sameLine, update.build > base else {
                throw error(updateValue.line, "update \(update.name) (\(update.build)) is not a later build of line \(name) (\(base))")
            }
            if let previous = updates.last, !(previous.build < update.build) {
                throw error(updateValue.line, "update \(update.name) (\(update.build)) must come after \(previous.name) (\(previous.build)): updates are ordered by build")
            }
            updates.append(update)
        }
        return ReleaseLine(name: name, base: base, released: try date(object, "released"), kb: try optionalString(object, "kb"),
                           supportEnds: try optionalDate(object, "supportEnds"), updates: updates)
    }

    func update(_ value: JSONValue) throws(CatalogError) -> Update {
        let object = try self.object(value, "an update")
        let name = try string(object, "name")
        let kind: Update.Kind
        if let explicit = try optionalString(object, "kind") {
            guard let parsed = Update.Kind(rawValue: explicit) else {
                throw error(object.line(of: "kind"), "unknown update kind '\(explicit)'")
            }
            kind = parsed
        } else if name.hasPrefix("RU") {
            kind = .updateRollup
        } else if name.contains("HU") {
            kind = .hotfixUpdate
        } else if name.contains("SU") {
            kind = .securityUpdate
        } else {
            throw error(object.line, "cannot tell the kind of update '\(name)'; add \"kind\"")
        }
        return Update(name: name, kind: kind, build: try build(object, "build"), released: try date(object, "released"),
                      kb: try optionalString(object, "kb"), note: try optionalString(object, "note"))
    }

    func vulnerability(_ value: JSONValue, products: [Product]) throws(CatalogError) -> Vulnerability {
        let object = try self.object(value, "a vulnerability")
        let id = try string(object, "id")
        let cvssValue = try required(object, "cvss")
        guard case .number(let cvss) = cvssValue.kind, (0...10).contains(cvss) else {
            throw error(cvssValue.line, "\"cvss\" must be a number from 0 to 10")
        }
        var references: [String] = []
        for reference in try optionalArray(object, "references") {
            guard case .string(let text) = reference.kind, text.hasPrefix("https://") else {
                throw error(reference.line, "references must be https:// links")
            }
            references.append(text)
        }
        var affected: [AffectedProduct] = []
        for affectedValue in try array(object, "affected") {
            let affectedObject = try self.object(affectedValue, "an affected product")
            let productID = try string(affectedObject, "product")
            guard let product = products.first(where: { $0.id == productID }) else {
                throw error(affectedObject.line(of: "product"), "\(id) names unknown product '\(productID)'")
            }
            if affected.contains(where: { $0.product == productID }) {
                throw error(affectedObject.line, "\(id) lists product '\(productID)' twice")
            }
            var fixes: [LineFix] = []
            for fixValue in try optionalArray(affectedObject, "fixes") {
                let fix = try self.object(fixValue, "a fix")
                let lineName = try string(fix, "line")
                guard let line = product.lines.first(where: { $0.name == lineName }) else {
                    throw error(fix.line(of: "line"), "\(id): product '\(productID)' has no line '\(lineName)'")
                }
                let fixedIn = try optionalBuild(fix, "fixedIn")
                let configuration = try optionalString(fix, "configuration")
                let minimumBuild = try optionalBuild(fix, "minimumBuild")
                guard (fixedIn == nil) != (configuration == nil) else {
                    throw error(fix.line, "\(id) \(productID) \(lineName): give exactly one of \"fixedIn\" and \"configuration\"")
                }
                for build in [fixedIn, minimumBuild].compactMap({ $0 }) {
                    let inLine = build.major == line.base.major && build.minor == line.base.minor
                        && (product.linesByMinor || build.build == line.base.build)
                    guard inLine, build >= line.base else {
                        throw error(fix.line, "\(id): \(build) is not a build of \(productID) \(lineName) (\(line.base))")
                    }
                }
                if fixes.contains(where: { $0.line == lineName }) { throw error(fix.line, "\(id) lists \(productID) \(lineName) twice") }
                fixes.append(LineFix(line: lineName, fixedIn: fixedIn, update: try optionalString(fix, "update"),
                                     configuration: configuration, minimumBuild: minimumBuild))
            }
            affected.append(AffectedProduct(product: productID, fixes: fixes, noFixNote: try optionalString(affectedObject, "noFixNote")))
        }
        var notAffected: [String: String] = [:]
        if let notAffectedValue = object["notAffected"], !notAffectedValue.isNull {
            let notAffectedObject = try self.object(notAffectedValue, "\"notAffected\"")
            for (productID, reasonValue) in notAffectedObject.members {
                guard products.contains(where: { $0.id == productID }) else {
                    throw error(reasonValue.line, "\(id) names unknown product '\(productID)'")
                }
                guard case .string(let reason) = reasonValue.kind, !reason.isEmpty else {
                    throw error(reasonValue.line, "not-affected reasons must be non-empty strings")
                }
                guard !affected.contains(where: { $0.product == productID }) else {
                    throw error(reasonValue.line, "\(id) lists '\(productID)' as both affected and not affected")
                }
                notAffected[productID] = reason
            }
        }
        return Vulnerability(id: id, title: try string(object, "title"), group: try optionalString(object, "group"), cvss: cvss,
                             vector: try optionalString(object, "vector"), published: try optionalDate(object, "published"),
                             references: references, remediation: try string(object, "remediation"),
                             patchedNote: try optionalString(object, "patchedNote"), affected: affected, notAffected: notAffected)
    }
}

extension JSONValue {
    var isNull: Bool {
        if case .null = kind { return true }
        return false
    }
}
