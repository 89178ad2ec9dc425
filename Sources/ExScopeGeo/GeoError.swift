/// Why an enrichment source could not be used. The message names the file.
public struct GeoError: Error, Hashable, CustomStringConvertible {
    /// One sentence, naming the file and the problem.
    public let message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
