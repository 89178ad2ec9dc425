public import NIOCore

/// How the scanner talks to each host: timeouts, size limits and what to ask.
public struct ProbeConfiguration: Sendable {
    /// Per-phase time limits. A host that exceeds one gets a status, never a hang.
    public struct Timeouts: Sendable {
        public var connect: TimeAmount = .seconds(5)
        public var tlsHandshake: TimeAmount = .seconds(5)
        /// From sending a request to the end of its response.
        public var response: TimeAmount = .seconds(10)
        /// Everything for one host, including reconnects.
        public var host: TimeAmount = .seconds(30)

        public init() {}
    }

    /// Caps on what a server may send.
    public struct Limits: Sendable {
        /// Status line and headers of one response.
        public var headerBytes = 64 * 1024
        /// One response body; the logon page is about 28 KB.
        public var bodyBytes = 512 * 1024
        /// Requests per host, whatever the plan.
        public var requestsPerHost = 8

        public init() {}
    }

    public var timeouts = Timeouts()
    public var limits = Limits()
    /// Sent on every request; it names ExScope and where network owners learn about the scan.
    public var userAgent = ProbeConfiguration.userAgent(contact: nil)
    /// Ports spoken as plain HTTP; every other port is HTTPS.
    public var plainHTTPPorts: Set<Int> = [80]
    /// Send an NTLM negotiate to learn the server's names and Windows version.
    public var identity = false
    /// Send an empty Bearer challenge to learn whether OAuth to Microsoft 365 is set up.
    public var hybridHint = false
    /// Always read the logon page, even when `/owa/` and the export-tool manifest already settle the
    /// exact build: its OWA path cross-checks the manifest's CU, at the cost of the largest response.
    public var thorough = false

    /// The descriptive User-Agent: ExScope, its purpose, and the scanner's contact
    /// (a URL or address where network owners learn about the scan and opt out).
    public static func userAgent(contact: String?) -> String {
        "ExScope/0.1 (Exchange exposure research; read-only; about this scan and opt-out: \(contact ?? "no contact given"))"
    }

    public init() {}
}
