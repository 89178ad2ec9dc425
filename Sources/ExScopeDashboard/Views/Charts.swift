/// Inline SVG charts, computed here as numbers and drawn by the templates (`BarChartTemplate`,
/// `LineChartTemplate`), so every label goes through Mustache's escaping like any other text.
struct BarChart {
    struct Segment {
        var x: Int
        var width: Int
        /// CSS class: `vulnerable`, `patched`, `indeterminate`, `other`.
        var kind: String
        var title: String
    }

    struct Bar {
        var label: String
        var value: String
        var y: Int
        var textY: Int
        var valueX: Int
        var segments: [Segment]
        var href: String
    }

    var width: Int
    var height: Int
    var title: String
    var bars: [Bar]
    var empty: Bool { bars.isEmpty }

    static let labelWidth = 170
    static let barArea = 400
    static let rowHeight = 24

    /// Stacked bars (vulnerable, patched, indeterminate, the rest) for the first `limit` groups.
    init(title: String, groups: [GroupCount], limit: Int = 15, href: (GroupCount) -> String) {
        let shown = Array(groups.prefix(limit))
        let maximum = max(1, shown.map(\.counts.total).max() ?? 1)
        self.title = title
        width = Self.labelWidth + Self.barArea + 90
        height = max(1, shown.count) * Self.rowHeight + 8
        bars = shown.enumerated().map { i, group in
            let c = group.counts
            var x = Self.labelWidth
            var segments: [Segment] = []
            for (kind, value) in [("vulnerable", c.vulnerable), ("patched", c.patched), ("indeterminate", c.indeterminate),
                                  ("other", c.notAffected + c.unknown)] where value > 0 {
                let w = max(1, value * Self.barArea / maximum)
                segments.append(Segment(x: x, width: w, kind: kind, title: "\(group.label): \(Format.count(value)) \(kind)"))
                x += w
            }
            let y = 4 + i * Self.rowHeight
            return Bar(label: String(group.label.prefix(24)), value: Format.count(c.total), y: y, textY: y + 15, valueX: x + 6,
                       segments: segments, href: href(group))
        }
    }
}

/// A line chart of one finding across scans: Exchange hosts and vulnerable hosts.
struct LineChart {
    struct Point {
        var x: Int
        var y: Int
        var title: String
    }

    struct Series {
        var kind: String
        var points: String
        var dots: [Point]
    }

    struct Tick {
        var x: Int
        var y: Int
        var label: String
    }

    var width = 640
    var height = 220
    var title: String
    var series: [Series]
    var xTicks: [Tick]
    var yTicks: [Tick]
    var empty: Bool { series.isEmpty }

    init(title: String, history: [HistoryPoint]) {
        self.title = title
        let left = 60, right = 620, top = 12, bottom = 180
        let maximum = max(1, history.map(\.exchangeHosts).max() ?? 1)
        func x(_ i: Int) -> Int { history.count <= 1 ? (left + right) / 2 : left + i * (right - left) / (history.count - 1) }
        func y(_ value: Int) -> Int { bottom - value * (bottom - top) / maximum }
        func series(_ kind: String, _ value: (HistoryPoint) -> Int) -> Series {
            let dots = history.enumerated().map { i, point in
                Point(x: x(i), y: y(value(point)), title: "\(point.scan): \(Format.count(value(point))) \(kind)")
            }
            return Series(kind: kind, points: dots.map { "\($0.x),\($0.y)" }.joined(separator: " "), dots: dots)
        }
        self.series = history.isEmpty ? [] : [series("exchange", \.exchangeHosts), series("vulnerable", \.counts.vulnerable)]
        xTicks = history.enumerated().map { i, point in Tick(x: x(i), y: bottom + 18, label: String(point.scan.prefix(20))) }
        yTicks = [0, maximum / 2, maximum].map { Tick(x: left - 6, y: y($0) + 4, label: Format.count($0)) }
    }
}
