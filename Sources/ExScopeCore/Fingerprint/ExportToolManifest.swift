/// The ECP eDiscovery export tool ClickOnce manifest
/// (`/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application`):
/// a four-part build on Exchange 2013 and later.
///
/// The manifest repeats the build in every `assemblyIdentity` element (the
/// deployment, the dependent assembly and the signed license). They must agree;
/// honeypot bait shows a zero public key token or the placeholder `15.0.0.0`.
/// The bytes are scanned for `assemblyIdentity` elements and their attributes only;
/// this is not an XML parser.
public struct ExportToolManifest: Sendable, Hashable {
    /// The largest manifest accepted (real ones are about 16 KB).
    public static let maximumLength = 256 * 1024
    /// At most this many `assemblyIdentity` elements are read.
    public static let maximumIdentities = 32
    /// At most this many attributes per element.
    public static let maximumAttributes = 24
    /// At most this many bytes per attribute value.
    public static let maximumValueLength = 512
    /// The assembly name prefix every Exchange export tool identity has.
    public static let assemblyName = "microsoft.exchange.ediscovery.exporttool"

    /// One `assemblyIdentity` element.
    public struct Identity: Sendable, Hashable {
        public let name: String?
        /// The version as written (sanitized); `nil` when missing.
        public let versionText: String?
        /// The parsed four-part version, when the text is one.
        public let version: BuildNumber?
        public let publicKeyToken: String?
    }

    /// A sign that the manifest is bait rather than Exchange's.
    public enum HoneypotSign: String, Sendable, Hashable, Codable, CaseIterable {
        /// `publicKeyToken="0000000000000000"`.
        case zeroPublicKeyToken = "zero-public-key-token"
        /// `version="15.0.0.0"` (or any `x.y.0.0`): a placeholder, never a shipped build.
        case placeholderVersion = "placeholder-version"
        /// `Example Corp.` or `example.invalid` in the manifest.
        case exampleValues = "example-values"
    }

    /// Every identity found, in order.
    public let identities: [Identity]
    /// Distinct parsed versions, in order of first appearance.
    public let builds: [BuildNumber]
    /// Honeypot signs found.
    public let honeypotSigns: Set<HoneypotSign>

    /// The build when every identity carries the same parsable version; `nil` when they disagree.
    public var agreedBuild: BuildNumber? {
        guard builds.count == 1, identities.allSatisfy({ $0.version != nil }) else { return nil }
        return builds.first
    }

    /// Scans one manifest body.
    /// - Throws: ``FingerprintError`` `.empty`, `.limitExceeded`, `.truncated` (an element cut
    ///   off), `.unexpectedFormat` (bad attribute syntax), `.notFound` (no export tool identity or
    ///   no version at all).
    public init(parsing body: [UInt8]) throws(FingerprintError) {
        guard !body.isEmpty else { throw .empty("export tool manifest is empty") }
        guard body.count <= Self.maximumLength else {
            throw .limitExceeded("export tool manifest is \(body.count) bytes; at most \(Self.maximumLength) accepted")
        }
        let bytes = body
        var identities: [Identity] = []
        var signs: Set<HoneypotSign> = []
        // Horspool searches skip most bytes: the needles are 12 to 16 bytes long.
        var from = 0
        while let found = Self.elementSearch.firstIndex(in: bytes, from: from) {
            let after = found + Self.elementSearch.needle.count
            // Only `<assemblyIdentity` or a prefixed `<as:assemblyIdentity` opens an element.
            guard found > 0, bytes[found - 1] == 0x3C || bytes[found - 1] == 0x3A else {
                from = after
                continue
            }
            guard identities.count < Self.maximumIdentities else {
                throw .limitExceeded("more than \(Self.maximumIdentities) assemblyIdentity elements")
            }
            let (identity, end) = try Self.readAttributes(bytes, from: after)
            identities.append(identity)
            from = end
        }
        if Self.exampleCorp.firstIndex(in: bytes) != nil || Self.exampleInvalid.firstIndex(in: bytes) != nil {
            signs.insert(.exampleValues)
        }
        guard identities.contains(where: { ($0.name.map { ByteText.hasPrefix($0, Self.assemblyName) }) ?? false }) else {
            throw .notFound("no assemblyIdentity named \(Self.assemblyName)*")
        }
        var builds: [BuildNumber] = []
        for identity in identities {
            if let version = identity.version, !builds.contains(version) { builds.append(version) }
            if let token = identity.publicKeyToken, !token.isEmpty, token.utf8.allSatisfy({ $0 == 0x30 }) {
                signs.insert(.zeroPublicKeyToken)
            }
            if let version = identity.version, version.build == 0, version.revision == 0 { signs.insert(.placeholderVersion) }
        }
        guard !builds.isEmpty else { throw .notFound("no assemblyIdentity carries a four-part version") }
        self.identities = identities
        self.builds = builds
        self.honeypotSigns = signs
    }

    /// Scans one manifest given as any byte collection (copied once into an array).
    @inlinable
    public init(parsing body: some Collection<UInt8>) throws(FingerprintError) {
        try self.init(parsing: Array(body))
    }

    static let elementSearch = ByteText.Horspool("assemblyIdentity")
    static let exampleCorp = ByteText.Horspool("Example Corp")
    static let exampleInvalid = ByteText.Horspool("example.invalid", ignoringCase: true)

    /// Reads `name="value"` pairs up to `>` (or `/>`).
    /// - Returns: the identity and the index after the closing `>`.
    private static func readAttributes(_ bytes: [UInt8], from start: Int) throws(FingerprintError) -> (Identity, Int) {
        var cursor = start
        var name: String?, versionText: String?, version: BuildNumber?, token: String?
        var count = 0
        while true {
            while cursor < bytes.count, ByteText.isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { throw .truncated("assemblyIdentity element is cut off") }
            if bytes[cursor] == 0x3E { return (Identity(name: name, versionText: versionText, version: version, publicKeyToken: token), cursor + 1) }
            if bytes[cursor] == 0x2F {
                guard cursor + 1 < bytes.count else { throw .truncated("assemblyIdentity element is cut off") }
                guard bytes[cursor + 1] == 0x3E else { throw .unexpectedFormat("'/' not followed by '>' in assemblyIdentity") }
                return (Identity(name: name, versionText: versionText, version: version, publicKeyToken: token), cursor + 2)
            }
            count += 1
            guard count <= maximumAttributes else { throw .limitExceeded("more than \(maximumAttributes) attributes in assemblyIdentity") }
            let nameStart = cursor
            while cursor < bytes.count, ByteText.isAlphaNumeric(bytes[cursor]) || bytes[cursor] == 0x3A || bytes[cursor] == 0x5F
                || bytes[cursor] == 0x2D || bytes[cursor] == 0x2E, cursor - nameStart < 64 {
                cursor += 1
            }
            guard cursor < bytes.count else { throw .truncated("assemblyIdentity attribute is cut off") }
            guard cursor > nameStart else { throw .unexpectedFormat("unexpected byte in assemblyIdentity: \(ByteText.printable([bytes[cursor]]))") }
            let attribute = bytes[nameStart..<cursor]
            while cursor < bytes.count, ByteText.isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { throw .truncated("assemblyIdentity attribute is cut off") }
            guard bytes[cursor] == 0x3D else { throw .unexpectedFormat("attribute \(ByteText.printable(attribute)) has no '='") }
            cursor += 1
            while cursor < bytes.count, ByteText.isSpace(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count else { throw .truncated("assemblyIdentity attribute value is cut off") }
            let quote = bytes[cursor]
            guard quote == 0x22 || quote == 0x27 else { throw .unexpectedFormat("attribute \(ByteText.printable(attribute)) value is not quoted") }
            cursor += 1
            let valueStart = cursor
            while cursor < bytes.count, bytes[cursor] != quote {
                guard cursor - valueStart < maximumValueLength else {
                    throw .limitExceeded("attribute \(ByteText.printable(attribute)) value is longer than \(maximumValueLength) bytes")
                }
                cursor += 1
            }
            guard cursor < bytes.count else { throw .truncated("assemblyIdentity attribute value is cut off") }
            let value = bytes[valueStart..<cursor]
            cursor += 1
            // Attributes may carry a namespace prefix in some manifests; compare the local name.
            let local = attribute.lastIndex(of: 0x3A).map { attribute[($0 + 1)...] } ?? attribute
            switch String(decoding: local, as: UTF8.self) {
            case "name": name = ByteText.printable(value, limit: maximumValueLength)
            case "version":
                versionText = ByteText.printable(value, limit: 64)
                if let parsed = ByteText.version(value), parsed.form == .fourPart { version = parsed.build }
            case "publicKeyToken": token = ByteText.printable(value, limit: 64)
            default: break
            }
        }
    }
}
