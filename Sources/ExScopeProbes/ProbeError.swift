import ExScopeCore
import Foundation

/// Why talking to a host stopped, classified for the result's status.
struct ProbeError: Error, Sendable {
    var status: ScanStatus
    var detail: String

    init(_ status: ScanStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    /// A failed connect, as zgrab2 reports it: `errno` of `connect` (or of `socket`, when `opening`).
    init(connectErrno code: CInt, opening: Bool = false) {
        switch code {
        case ECONNREFUSED: self.init(.connectionRefused, "connection refused")
        case ETIMEDOUT: self.init(.connectionTimeout, "connect timed out")
        default: self.init(.connectionRefused, "\(opening ? "cannot open a socket" : "connect failed"): \(String(cString: strerror(code)))")
        }
    }
}
