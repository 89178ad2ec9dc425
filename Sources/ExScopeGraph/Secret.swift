/// A secret (client secret, access token, private key) that never prints itself.
///
/// `description`, `debugDescription` and string interpolation all give `<redacted>`; the value is
/// only reachable through ``reveal()``, which the HTTP layer calls when it builds a request.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    private let value: String

    public init(_ value: String) { self.value = value }

    /// The secret itself. Call only to put it on the wire.
    public func reveal() -> String { value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var isEmpty: Bool { value.isEmpty }
}

/// Removes known secrets from text that came from elsewhere (server error messages).
public struct Redactor: Sendable {
    private var secrets: [String]

    public init(_ secrets: [Secret] = []) { self.secrets = secrets.map { $0.reveal() }.filter { $0.count >= 4 } }

    mutating func add(_ secret: Secret) {
        let value = secret.reveal()
        if value.count >= 4 { secrets.append(value) }
    }

    /// `text` on one line, at most 400 characters, with every known secret and anything that
    /// looks like a JWT replaced by `<redacted>`.
    public func clean(_ text: String) -> String {
        var out = text
        for secret in secrets { out = out.replacing(secret, with: "<redacted>") }
        // A JWT: three base64url parts starting with eyJ.
        var words: [Substring] = []
        for word in out.split(separator: " ", omittingEmptySubsequences: false) {
            words.append(word.hasPrefix("eyJ") && word.filter({ $0 == "." }).count >= 2 ? "<redacted>" : word)
        }
        out = words.joined(separator: " ")
        let oneLine = out.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.count > 400 ? String(oneLine.prefix(400)) + "…" : oneLine
    }
}
