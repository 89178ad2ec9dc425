/// What happened when a target was scanned (zgrab2's taxonomy).
public enum ScanStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// At least one HTTP response was received.
    case success
    /// The connection was refused or the host unreachable.
    case connectionRefused = "connection-refused"
    /// No answer to the connection attempt in time.
    case connectionTimeout = "connection-timeout"
    /// The TLS handshake failed or timed out.
    case tlsError = "tls-error"
    /// Connected, but a response did not arrive in time.
    case ioTimeout = "io-timeout"
    /// The server answered with something that is not HTTP, or closed mid-response.
    case protocolError = "protocol-error"
    /// The server sent more than the header or body limits allow.
    case limitExceeded = "limit-exceeded"
    /// The target is on an exclusion list and was never contacted.
    case excluded
    /// A host name did not resolve to an address that may be scanned.
    case dnsError = "dns-error"
}
