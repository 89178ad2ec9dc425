/// A catalog that cannot be used, with the file, the line and the reason.
public struct CatalogError: Error, Hashable, CustomStringConvertible {
    /// The file name (or another label) the bytes came from.
    public let source: String
    /// The 1-based line, when the problem has one.
    public let line: Int?
    public let reason: String

    public init(source: String, line: Int?, reason: String) {
        self.source = source
        self.line = line
        self.reason = reason
    }

    /// `FILE:LINE: reason`, on one line.
    public var description: String {
        if let line { return "\(source):\(line): \(reason)" }
        return "\(source): \(reason)"
    }
}
