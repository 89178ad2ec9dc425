import ExScopeCore

/// Why talking to a host stopped, classified for the result's status.
struct ProbeError: Error, Sendable {
    var status: ScanStatus
    var detail: String

    init(_ status: ScanStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }
}
