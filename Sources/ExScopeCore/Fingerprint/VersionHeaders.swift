/// The `X-OWA-Version` response header: the full four-part build on Exchange 2007–SE.
///
/// The header name is matched in any case; values may be zero-padded
/// (`15.02.2562.037`). The value is attacker-controlled and may be rewritten by an
/// admin or a reverse proxy, so the classifier cross-checks it with other sources.
public struct OWAVersionHeader: Sendable, Hashable {
    /// The header name, as it is usually written.
    public static let name = "X-OWA-Version"
    /// Longer values are not version strings.
    public static let maximumLength = 64

    /// The parsed build (four-part values are `.exact`; three-part values, rare, are `.cu`).
    public let version: VersionInput

    /// Parses one header value.
    /// - Throws: ``FingerprintError`` `.empty`, `.limitExceeded` or `.unexpectedFormat`.
    public init(parsing value: some StringProtocol) throws(FingerprintError) {
        let utf8 = Array(value.utf8)
        guard utf8.count <= Self.maximumLength else {
            throw .limitExceeded("X-OWA-Version is \(utf8.count) bytes; at most \(Self.maximumLength) accepted")
        }
        let trimmed = ByteText.trimmed(utf8[...])
        guard !trimmed.isEmpty else { throw .empty("X-OWA-Version is empty") }
        let parsed: VersionInput
        do {
            parsed = try VersionInput(parsing: String(decoding: trimmed, as: UTF8.self))
        } catch {
            throw .unexpectedFormat("X-OWA-Version '\(ByteText.printable(trimmed))': \(error.reason)")
        }
        guard parsed.form == .fourPart || parsed.form == .threePart else {
            throw .unexpectedFormat("X-OWA-Version '\(ByteText.printable(trimmed))' is not a three- or four-part build")
        }
        version = parsed
    }

    /// The first parsable `X-OWA-Version` in `headers`.
    /// - Returns: `nil` when the header is absent.
    /// - Throws: the parse error of the first value when it is present but malformed.
    public init?(headers: HTTPHeaders) throws(FingerprintError) {
        guard let value = headers.first(Self.name) else { return nil }
        try self.init(parsing: value)
    }
}

/// The MAPI/HTTP `X-ServerApplication` header, e.g. `Exchange/15.01.2176.009`.
public struct ServerApplicationHeader: Sendable, Hashable {
    public static let name = "X-ServerApplication"
    public static let maximumLength = 96

    /// The build after `Exchange/`.
    public let version: VersionInput

    /// Parses one header value.
    /// - Throws: ``FingerprintError`` when the value is not `Exchange/<four-part build>`.
    public init(parsing value: some StringProtocol) throws(FingerprintError) {
        let utf8 = Array(value.utf8)
        guard utf8.count <= Self.maximumLength else { throw .limitExceeded("X-ServerApplication is \(utf8.count) bytes") }
        let trimmed = ByteText.trimmed(utf8[...])
        guard !trimmed.isEmpty else { throw .empty("X-ServerApplication is empty") }
        let prefix = Array("Exchange/".utf8)
        guard ByteText.matches(Array(trimmed), at: 0, prefix, ignoringCase: true) else {
            throw .unexpectedFormat("X-ServerApplication '\(ByteText.printable(trimmed))' does not start with Exchange/")
        }
        guard let parsed = ByteText.version(trimmed.dropFirst(prefix.count)), parsed.form == .fourPart else {
            throw .unexpectedFormat("X-ServerApplication '\(ByteText.printable(trimmed))' has no four-part build")
        }
        version = parsed
    }
}
