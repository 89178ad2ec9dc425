import Synchronization

/// The dashboard's shared secret and the browser sessions it opened.
///
/// The token is compared in constant time and never appears in logs, errors or `description`.
/// A successful login creates a random session id (256 bits) that the browser keeps in an
/// `HttpOnly; SameSite=Strict` cookie; the token itself is never put in a cookie.
public final class AccessToken: Sendable, CustomStringConvertible {
    private let secret: [UInt8]
    private let sessions = Mutex<Set<String>>([])

    /// - Parameter token: the secret; surrounding whitespace (e.g. a trailing newline in the file) is dropped.
    /// - Returns: `nil` when the token is shorter than 16 characters.
    public init?(_ token: String) {
        let trimmed = token.trimmingWhitespace()
        guard trimmed.utf8.count >= 16 else { return nil }
        secret = Array(trimmed.utf8)
    }

    public var description: String { "AccessToken(redacted)" }

    /// Whether `candidate` is the token, in time independent of where they differ.
    public func matches(_ candidate: some StringProtocol) -> Bool {
        Self.constantTimeEqual(Array(candidate.utf8), secret)
    }

    /// Opens a session and returns its id.
    func openSession() -> String {
        var generator = SystemRandomNumberGenerator()
        let id = (0..<4).map { _ in
            let hex = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
        sessions.withLock { _ = $0.insert(id) }
        return id
    }

    func isSession(_ id: String) -> Bool {
        guard id.utf8.count == 64 else { return false }
        return sessions.withLock { $0.contains(id) }
    }

    func closeSession(_ id: String) {
        sessions.withLock { _ = $0.remove(id) }
    }

    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        // Length is not secret enough to hide, but every byte of the longer input is still visited.
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for i in 0..<max(a.count, b.count) {
            difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
        }
        return difference == 0 && a.count == b.count
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}
