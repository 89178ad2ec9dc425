import ExScopeCore
import Foundation

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
    private var secrets: [String] = []

    public init(_ secrets: [Secret] = []) { secrets.forEach { add($0) } }

    /// Adds `secret` as it is, form-encoded as ExScope sends it to the sign-in endpoint, and
    /// JSON-escaped: a server may echo any of these back.
    mutating func add(_ secret: Secret) {
        let value = secret.reveal()
        guard value.count >= 4 else { return }
        for form in [value, Self.formEncoded(value), value.replacingOccurrences(of: "/", with: "\\/")] where !secrets.contains(form) {
            secrets.append(form)
        }
        // Longest first, so a form that contains another is replaced whole.
        secrets.sort { $0.count > $1.count }
    }

    /// `text` on one line, at most 400 characters, with every known secret and anything that
    /// looks like a JWT replaced by `<redacted>`, and control characters (a terminal's escape
    /// sequences among them) shown as `?`.
    public func clean(_ text: String) -> String {
        var out = text
        for secret in secrets { out = out.replacing(secret, with: "<redacted>") }
        out = Self.redactingJWTs(out)
        let oneLine = out.split(whereSeparator: \.isNewline).joined(separator: " ")
        let printable = oneLine.showingControlCharacters()
        return printable.count > 400 ? String(printable.prefix(400)) + "…" : printable
    }

    /// Replaces each JWT (three base64url parts, the first starting `eyJ`) wherever it stands in a word.
    static func redactingJWTs(_ text: String) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "e"), bytes[index...].starts(with: "eyJ".utf8) {
                var end = index
                var dots = 0
                while end < bytes.count, isTokenByte(bytes[end]) {
                    if bytes[end] == UInt8(ascii: ".") { dots += 1 }
                    end += 1
                }
                if dots >= 2 {
                    out += "<redacted>".utf8
                    index = end
                    continue
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "="): true
        default: false
        }
    }

    /// `value` as `application/x-www-form-urlencoded` bodies carry it: every byte but letters, digits and `-._~` percent-encoded.
    static func formEncoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }
}
