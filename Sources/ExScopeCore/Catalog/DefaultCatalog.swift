extension Catalog {
    /// The name errors use for the catalog compiled into ExScope.
    public static let bundledSource = "built-in catalog"

    /// The catalog compiled into ExScope (`Catalog/exchange-catalog.json` at build time).
    ///
    /// - Throws: ``CatalogError`` only if the embedded data is broken, which the test suite rules out.
    public static func bundled() throws(CatalogError) -> Catalog {
        try Catalog(decoding: Array(embeddedJSON.utf8), source: bundledSource)
    }
}
