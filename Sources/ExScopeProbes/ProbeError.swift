import ExScopeCore
import Foundation

/// Why talking to a host stopped, classified for the result's status.
struct ProbeError: Error, Sendable {
    var status: ScanStatus
    var detail: String
    /// The failure is this machine's (no descriptors, memory or local ports), not the target's:
    /// the target was not really tried, so it has no result (``HostOutcome/failedLocally``).
    var local = false

    init(_ status: ScanStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    /// A failed connect, as zgrab2 reports it: `errno` of `connect`. Errors that say this machine ran
    /// out of something are local failures.
    init(connectErrno code: CInt) {
        switch code {
        case ECONNREFUSED: self.init(.connectionRefused, "connection refused")
        case ETIMEDOUT: self.init(.connectionTimeout, "connect timed out")
        case _ where Self.localErrors.contains(code): self.init(local: code, doing: "connect")
        default: self.init(.connectionRefused, "connect failed: \(String(cString: strerror(code)))")
        }
    }

    /// A failure of this machine while `doing` something (opening a socket, watching it): never the target's.
    init(local code: CInt, doing: String) {
        // The status is never written: a local failure is not a result.
        self.init(.connectionRefused, "\(doing) failed on this machine: \(String(cString: strerror(code)))")
        local = true
    }

    /// `errno` values of `connect` (and of NIO's registration) that mean a local limit was reached.
    static let localErrors: Set<CInt> = [EMFILE, ENFILE, ENOBUFS, ENOMEM, EADDRNOTAVAIL, EAGAIN, ENOSPC]
}
