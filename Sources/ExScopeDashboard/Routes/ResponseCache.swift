import Hummingbird
import NIOCore
import Synchronization

/// Rendered answers (HTML pages and API JSON) by route, query and data version.
///
/// Routes consult it after the auth middleware has let the request through, so a cached answer is
/// only ever handed to a client that passed the same token check as the one it was rendered for.
/// Only successful renders are kept (errors are thrown before anything is stored). Security headers
/// are added by the outer middleware on every response, cached or not.
///
/// Bounded by entry count and total body bytes; when full, the oldest entry goes first. A new
/// ``DashboardDataSource/dataVersion()`` empties it, so a page never outlives the data it shows.
final class ResponseCache: Sendable {
    /// What identifies an answer: the path and the query as `QueryParameters` reads it (empty values
    /// dropped, the last of repeated names wins, order irrelevant). The page chrome's "Sign out" is the
    /// same for every request a dashboard answers (see `Dashboard.signedIn`), so it is not part of it.
    struct Key: Hashable, Sendable {
        var path: String
        var query: [String: String]
    }

    private struct State {
        var version: Int?
        var entries: [Key: Rendered] = [:]
        /// Insertion order, oldest first.
        var order: [Key] = []
        var bytes = 0
    }

    let maxEntries: Int
    let maxBytes: Int
    private let state = Mutex(State())

    init(maxEntries: Int = 1024, maxBytes: Int = 64 << 20) {
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// The number of answers held (for tests and diagnostics).
    var count: Int { state.withLock { $0.entries.count } }

    /// The answer for `key` at `version`: the cached one, or `render()`'s, which is then kept.
    func answer(_ key: Key, version: Int, render: () async throws -> Rendered) async throws -> Rendered {
        let hit = state.withLock { state -> Rendered? in
            if state.version != version { state = State(version: version) }
            return state.entries[key]
        }
        if let hit { return hit }
        let rendered = try await render()
        store(rendered, for: key, version: version)
        return rendered
    }

    private func store(_ rendered: Rendered, for key: Key, version: Int) {
        let size = rendered.body.readableBytes
        guard size <= maxBytes else { return }
        state.withLock { state in
            // The data changed while this answer was rendered: it belongs to neither version for sure.
            guard state.version == version, state.entries[key] == nil else { return }
            while !state.order.isEmpty, state.entries.count >= maxEntries || state.bytes + size > maxBytes {
                let oldest = state.order.removeFirst()
                state.bytes -= state.entries.removeValue(forKey: oldest)?.body.readableBytes ?? 0
            }
            state.entries[key] = rendered
            state.order.append(key)
            state.bytes += size
        }
    }
}
