import ArgumentParser
import ExScopeCore

/// `exscope builds`: the catalog itself.
struct BuildsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builds",
        abstract: "Print the Exchange build catalog.",
        subcommands: [List.self, Vulnerabilities.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List every build the catalog knows: product, CU, update, build, release date and KB."
        )

        @Option(help: "Only this product: 2007, 2010, 2013, 2016, 2019, se, or a product id such as exchange-2019.")
        var product: String?

        @Option(help: "Output format: table, or json for one JSON object per build.")
        var format: OutputFormat = .table

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            let catalog = try catalogOptions.load()
            var products = catalog.products
            if let product {
                let wanted = product.lowercased()
                products = products.filter { $0.id == wanted || $0.id == "exchange-\(wanted)" }
                if products.isEmpty {
                    throw ExScopeFailure.badInput("unknown product '\(product)'; known: \(catalog.products.map(\.id).joined(separator: ", "))")
                }
            }
            var table = TextTable(["PRODUCT", "CU", "UPDATE", "BUILD", "RELEASED", "KB"])
            for product in products {
                for line in product.lines {
                    let rows: [CatalogRow] = [CatalogRow(product: product, line: line, update: nil)]
                        + line.updates.map { CatalogRow(product: product, line: line, update: $0) }
                    for row in rows {
                        switch format {
                        case .json: Terminal.out(try JSONLines.encode(row))
                        case .table: table.add([product.name, line.name, row.update ?? "(CU)", row.build, row.released.description, row.kb ?? "-"])
                        }
                    }
                }
            }
            if format == .table {
                Terminal.out(table.render())
                Terminal.out("catalog \(catalog.date)")
            }
        }
    }

    struct Vulnerabilities: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "vulns",
            abstract: "List the vulnerabilities the catalog knows, with CVSS, references and remediation."
        )

        @Option(help: "Output format: table, or json for one JSON object per vulnerability.")
        var format: OutputFormat = .table

        @OptionGroup var catalogOptions: CatalogOptions

        func run() async throws {
            let catalog = try catalogOptions.load()
            for vulnerability in catalog.vulnerabilities {
                let row = VulnerabilityRow(vulnerability)
                switch format {
                case .json:
                    Terminal.out(try JSONLines.encode(row))
                case .table:
                    Terminal.out("\(row.id)  CVSS \(row.cvss)  \(row.title)")
                    if let group = row.group { Terminal.out("  group        \(group)") }
                    Terminal.out("  remediation  \(row.remediation)")
                    for reference in row.references { Terminal.out("  reference    \(reference)") }
                    Terminal.out("")
                }
            }
            if format == .table { Terminal.out("catalog \(catalog.date)") }
        }
    }
}

/// One build of the catalog, as `builds list --format json` prints it.
struct CatalogRow: Encodable {
    var schema = "exscope.catalog-build/1"
    var productId: String
    var product: String
    var cu: String
    var update: String?
    var updateKind: String?
    var build: String
    var released: CalendarDate
    var kb: String?
    var note: String?

    init(product: Product, line: ReleaseLine, update: Update?) {
        productId = product.id
        self.product = product.name
        cu = line.name
        self.update = update?.name
        updateKind = update?.kind.rawValue
        build = (update?.build ?? line.base).description
        released = update?.released ?? line.released
        kb = update?.kb ?? line.kb
        note = update?.note
    }
}

/// One vulnerability, as `builds vulns --format json` prints it.
struct VulnerabilityRow: Encodable {
    var schema = "exscope.vulnerability/1"
    var id: String
    var title: String
    var group: String?
    var cvss: Double
    var vector: String?
    var published: CalendarDate?
    var references: [String]
    var remediation: String

    init(_ vulnerability: Vulnerability) {
        id = vulnerability.id
        title = vulnerability.title
        group = vulnerability.group
        cvss = vulnerability.cvss
        vector = vulnerability.vector
        published = vulnerability.published
        references = vulnerability.references
        remediation = vulnerability.remediation
    }
}
