/// What an OWA logon page (`/owa/auth/logon.aspx`) body shows: the versioned static
/// resource paths, the Exchange markers, the title, and reverse-proxy pre-auth signs.
///
/// The body is scanned once, byte by byte, for a fixed set of literal markers; no
/// HTML parser or regular expression is involved. Phishing kits copy this page, so
/// one marker alone does not make ``looksLikeExchange`` true.
public struct OWALogonPage: Sendable, Hashable {
    /// The largest body accepted (the scanner caps bodies at 256 KB).
    public static let maximumLength = 512 * 1024
    /// At most this many distinct versioned paths are kept.
    public static let maximumPaths = 8
    /// Markers plus "has a versioned path" needed for ``looksLikeExchange``.
    public static let requiredScore = 2

    /// A literal that Exchange puts in its logon pages.
    public enum Marker: String, Sendable, Hashable, Codable, CaseIterable {
        /// `<!-- OwaPage = ASP.auth_logon_aspx -->`
        case owaPageComment = "owa-page-comment"
        /// `{57A118C6-2DA9-419d-BE9A-F92B0F9A418B}`
        case logonGUID = "logon-guid"
        /// `function IsOwaPremiumBrowser`
        case owaPremiumBrowser = "is-owa-premium-browser"
        /// `To use Outlook, browser settings must allow scripts to run.`
        case scriptsNotice = "scripts-notice"
        /// `class="signInHeader"`
        case signInHeader = "sign-in-header"
        /// `owaLgnBdy` (2007/2010 body class).
        case owaLogonBody = "owa-logon-body"
        /// A link to `/owa/auth/logon.aspx`.
        case logonLink = "logon-link"
        /// The logon form action `/owa/auth.owa`.
        case authFormAction = "auth-form-action"
        /// An Exchange title: Outlook, Outlook Web App, Exchange Admin Center, Outlook Web Access.
        case exchangeTitle = "exchange-title"
    }

    /// A reverse-proxy or SSO pre-authentication page that stands in front of OWA.
    public enum PreAuth: String, Sendable, Hashable, Codable, CaseIterable {
        /// Kemp LoadMaster ESP (`/lm_auth_proxy?LMLogon`, `LoadMaster`).
        case kemp
        /// Microsoft TMG/ISA forms auth (`/CookieAuth.dll`).
        case tmg
        /// F5 BIG-IP APM (`/my.policy`, `MRHSession`).
        case f5
        /// AD FS sign-in (`/adfs/ls/`).
        case adfs
    }

    /// A version found in an `/owa/…/<version>/` resource path.
    public struct PathVersion: Sendable, Hashable {
        /// The parsed version: three parts on 2013+ (`/owa/auth/15.2.1544/`), four on 2007/2010.
        public let version: VersionInput
        /// Whether the path had the `/auth/` segment (2013+).
        public let underAuth: Bool
    }

    /// Distinct versioned paths, in order of first appearance.
    public let paths: [PathVersion]
    /// Distinct Exchange markers found.
    public let markers: Set<Marker>
    /// The first `<title>` text, sanitized, when present.
    public let title: String?
    /// Pre-auth proxy signs found in the body.
    public let preAuth: Set<PreAuth>

    /// Distinct markers, plus one when a versioned path is present.
    public var score: Int { markers.count + (paths.isEmpty ? 0 : 1) }

    /// Whether the page carries enough independent Exchange markers (at least ``requiredScore``).
    public var looksLikeExchange: Bool { score >= Self.requiredScore }

    /// Scans one response body.
    /// - Throws: ``FingerprintError`` `.empty`, `.limitExceeded`, or `.notFound` when the body
    ///   holds no marker, no versioned path and no pre-auth sign.
    public init(parsing body: [UInt8]) throws(FingerprintError) {
        guard !body.isEmpty else { throw .empty("logon page body is empty") }
        guard body.count <= Self.maximumLength else {
            throw .limitExceeded("logon page body is \(body.count) bytes; at most \(Self.maximumLength) accepted")
        }
        var scan = PageScan()
        scan.run(body)
        guard !scan.markers.isEmpty || !scan.paths.isEmpty || !scan.preAuth.isEmpty else {
            throw .notFound("no OWA marker, versioned path or pre-auth page sign in the body")
        }
        paths = scan.paths
        markers = scan.markers
        title = scan.title
        preAuth = scan.preAuth
    }

    /// Scans one response body given as any byte collection (copied once into an array).
    @inlinable
    public init(parsing body: some Collection<UInt8>) throws(FingerprintError) {
        try self.init(parsing: Array(body))
    }
}

/// The single pass over the page. Each literal has an anchor: one of ten bytes that
/// are uncommon in HTML (`/ < { _ C H L M O P`), matched exactly (the anchors of the
/// case-insensitive literals are not letters). The hot loop tests eight bytes at a
/// time against a 256-entry table and looks closer only at blocks that hold an
/// anchor; literals are compared in full only around anchors.
private struct PageScan {
    var paths: [OWALogonPage.PathVersion] = []
    var markers: Set<OWALogonPage.Marker> = []
    var title: String?
    var preAuth: Set<OWALogonPage.PreAuth> = []
    /// The bytes of the last version folder parsed: pages repeat the same folder in
    /// dozens of URLs, and each is parsed only once.
    var lastVersionBytes: ArraySlice<UInt8> = []
    var lastUnderAuth = false

    enum Action {
        case marker(OWALogonPage.Marker)
        case preAuth(OWALogonPage.PreAuth)
        case owaPath
        case title
    }

    struct Literal {
        let bytes: [UInt8]
        /// The offset of the anchor byte in the literal.
        let anchor: Int
        let ignoringCase: Bool
        let action: Action
    }

    static let literals: [Literal] = [
        Literal(bytes: Array("OwaPage = ASP.auth_logon_aspx".utf8), anchor: 3, ignoringCase: false, action: .marker(.owaPageComment)),
        Literal(bytes: Array("{57A118C6-2DA9-419d-BE9A-F92B0F9A418B}".utf8), anchor: 0, ignoringCase: true, action: .marker(.logonGUID)),
        Literal(bytes: Array("IsOwaPremiumBrowser".utf8), anchor: 5, ignoringCase: false, action: .marker(.owaPremiumBrowser)),
        Literal(bytes: Array("To use Outlook, browser settings must allow scripts to run.".utf8), anchor: 7, ignoringCase: false,
                action: .marker(.scriptsNotice)),
        Literal(bytes: Array("signInHeader".utf8), anchor: 6, ignoringCase: false, action: .marker(.signInHeader)),
        Literal(bytes: Array("owaLgnBdy".utf8), anchor: 3, ignoringCase: false, action: .marker(.owaLogonBody)),
        Literal(bytes: Array("/owa/".utf8), anchor: 0, ignoringCase: true, action: .owaPath),
        Literal(bytes: Array("<title".utf8), anchor: 0, ignoringCase: true, action: .title),
        Literal(bytes: Array("lm_auth_proxy".utf8), anchor: 2, ignoringCase: false, action: .preAuth(.kemp)),
        Literal(bytes: Array("LoadMaster".utf8), anchor: 0, ignoringCase: false, action: .preAuth(.kemp)),
        Literal(bytes: Array("CookieAuth.dll".utf8), anchor: 0, ignoringCase: false, action: .preAuth(.tmg)),
        Literal(bytes: Array("/my.policy".utf8), anchor: 0, ignoringCase: false, action: .preAuth(.f5)),
        Literal(bytes: Array("MRHSession".utf8), anchor: 0, ignoringCase: false, action: .preAuth(.f5)),
        Literal(bytes: Array("/adfs/ls".utf8), anchor: 0, ignoringCase: true, action: .preAuth(.adfs)),
    ]

    /// For each byte value, a bit mask of the literals anchored on it.
    static let table: [UInt16] = {
        precondition(literals.count <= 16, "the mask holds 16 literals")
        var table = [UInt16](repeating: 0, count: 256)
        for (index, literal) in literals.enumerated() {
            let anchor = literal.bytes[literal.anchor]
            precondition(!literal.ignoringCase || !ByteText.isAlphaNumeric(anchor), "case-insensitive literals need a non-letter anchor")
            table[Int(anchor)] |= 1 << UInt16(index)
        }
        return table
    }()

    static let titles: [[UInt8]] = ["outlook", "outlook web app", "outlook web access", "exchange admin center",
                                    "microsoft exchange - outlook web access", "exchange log in"].map { Array($0.utf8) }

    mutating func run(_ bytes: [UInt8]) {
        // Pass 1 (hot): positions of anchor bytes. A block is read only while all
        // eight of its bytes are inside the buffer (`block + 8 <= count`), and the tail
        // loop runs over the buffer's own indices, so every unchecked read is in bounds.
        var hits: [(position: Int, mask: UInt16)] = []
        Self.table.withUnsafeBufferPointer { table in
            bytes.withUnsafeBufferPointer { buffer in
                // Eight bytes per step: one branch on the OR of eight table entries;
                // blocks are rare to hold an anchor, so most are skipped whole.
                var block = 0
                while block + 8 <= buffer.count {
                    let any = table[Int(buffer[block])] | table[Int(buffer[block + 1])] | table[Int(buffer[block + 2])]
                        | table[Int(buffer[block + 3])] | table[Int(buffer[block + 4])] | table[Int(buffer[block + 5])]
                        | table[Int(buffer[block + 6])] | table[Int(buffer[block + 7])]
                    if any != 0 {
                        for i in block..<(block + 8) {
                            let mask = table[Int(buffer[i])]
                            if mask != 0 { hits.append((i, mask)) }
                        }
                    }
                    block += 8
                }
                for i in block..<buffer.count {
                    let mask = table[Int(buffer[i])]
                    if mask != 0 { hits.append((i, mask)) }
                }
            }
        }
        // Pass 2: compare whole literals around each hit with bounds-checked reads.
        let literals = Self.literals
        for hit in hits {
            var mask = hit.mask
            while mask != 0 {
                let index = mask.trailingZeroBitCount
                mask &= mask - 1
                let literal = literals[index]
                let start = hit.position - literal.anchor
                guard ByteText.matches(bytes, at: start, literal.bytes, ignoringCase: literal.ignoringCase) else { continue }
                let end = start + literal.bytes.count
                switch literal.action {
                case .marker(let marker): markers.insert(marker)
                case .preAuth(let kind): preAuth.insert(kind)
                case .owaPath: owaPath(bytes, after: end)
                case .title: if title == nil { readTitle(bytes, after: end) }
                }
            }
        }
    }

    static let auth = Array("auth/".utf8)
    static let logonASPX = Array("auth/logon.aspx".utf8)
    static let authOWA = Array("auth.owa".utf8)

    /// After `/owa/`: `auth/<ver>/`, `<ver>/`, `auth/logon.aspx` or `auth.owa`.
    mutating func owaPath(_ bytes: [UInt8], after start: Int) {
        if ByteText.matches(bytes, at: start, Self.logonASPX, ignoringCase: true) {
            markers.insert(.logonLink)
            return
        }
        if ByteText.matches(bytes, at: start, Self.authOWA, ignoringCase: true) {
            markers.insert(.authFormAction)
            return
        }
        var cursor = start
        let underAuth = ByteText.matches(bytes, at: cursor, Self.auth, ignoringCase: true)
        if underAuth { cursor += Self.auth.count }
        // A version is digits and dots, at most 32 bytes, closed by '/'.
        var end = cursor
        while end < bytes.count, end - cursor < 32, ByteText.isDigit(bytes[end]) || bytes[end] == 0x2E { end += 1 }
        guard end > cursor, end < bytes.count, bytes[end] == 0x2F else { return }
        let raw = bytes[cursor..<end]
        if underAuth == lastUnderAuth, raw.elementsEqual(lastVersionBytes) { return }
        lastVersionBytes = raw
        lastUnderAuth = underAuth
        guard let version = ByteText.version(bytes[cursor..<end]),
              version.form == .threePart || version.form == .fourPart else { return }
        let found = OWALogonPage.PathVersion(version: version, underAuth: underAuth)
        if !paths.contains(found), paths.count < OWALogonPage.maximumPaths { paths.append(found) }
    }

    /// After `<title`: skip attributes to `>`, read the text to `<`, both bounded.
    mutating func readTitle(_ bytes: [UInt8], after start: Int) {
        var cursor = start
        while cursor < bytes.count, cursor - start < 64, bytes[cursor] != 0x3E { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == 0x3E else { return }
        cursor += 1
        let textStart = cursor
        while cursor < bytes.count, cursor - textStart < 256, bytes[cursor] != 0x3C { cursor += 1 }
        guard cursor < bytes.count, bytes[cursor] == 0x3C else { return }
        let text = ByteText.trimmed(bytes[textStart..<cursor])
        title = ByteText.printable(text)
        let lowered = text.map(asciiLower)
        if Self.titles.contains(where: { $0.elementsEqual(lowered) }) {
            markers.insert(.exchangeTitle)
        } else if ByteText.firstIndex(of: Array("outlook web app".utf8), in: lowered) != nil {
            // Branded titles such as "ABC Outlook Web App".
            markers.insert(.exchangeTitle)
        }
    }
}
