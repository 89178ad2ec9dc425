import Foundation
import Synchronization

/// Large pages that differ from host to host only in the host name, built once per shape.
///
/// A simulator playing thousands of hosts would otherwise spend most of its time building the
/// same logon page and manifest again for every host. Each page is generated once with a marker
/// where the host name goes, and later copies only fill the name in.
final class HostTemplates: Sendable {
    private static let marker = "\u{1}host\u{1}"
    private let templates = Mutex<[String: [[UInt8]]]>([:])

    /// The page `build` makes for `host`, where `key` names everything else the page depends on.
    func page(_ key: String, host: String, build: (String) -> String) -> [UInt8] {
        let parts = templates.withLock { $0[key] } ?? {
            let parts = build(Self.marker).components(separatedBy: Self.marker).map { Array($0.utf8) }
            templates.withLock { $0[key] = parts }
            return parts
        }()
        let hostBytes = Array(host.utf8)
        var page: [UInt8] = []
        page.reserveCapacity(parts.reduce(0) { $0 + $1.count } + hostBytes.count * (parts.count - 1))
        for (index, part) in parts.enumerated() {
            if index > 0 { page += hostBytes }
            page += part
        }
        return page
    }
}
