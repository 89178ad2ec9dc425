import Mustache

/// The Mustache templates, parsed once. Every page goes through here.
struct DashboardViews: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        let templates: [(String, String)] = [
            ("head", LayoutTemplates.head), ("foot", LayoutTemplates.foot), ("error", LayoutTemplates.error),
            ("login", LayoutTemplates.login), ("stylesheet", StylesheetTemplate.css),
            ("barChart", ChartTemplates.bar), ("lineChart", ChartTemplates.line),
            ("overview", OverviewTemplate.page), ("hosts", HostsTemplate.page), ("host", HostTemplate.page),
            ("scans", ScansTemplate.list), ("diff", ScansTemplate.diff), ("organisation", OrganisationTemplate.page),
        ]
        for (name, text) in templates { try library.register(text, named: name) }
        self.library = library
    }

    /// Renders a page; a missing template is a programming error caught by the route tests.
    func render(_ view: Any, _ name: String) -> String {
        library.render(view, withTemplate: name) ?? ""
    }
}

/// Fields every page's context has (the layout reads them).
struct PageChrome {
    var title: String
    /// Rendering the self-contained HTML report: inline stylesheet, meta CSP, no navigation.
    var report = false
    var signedIn = false
}

/// One `<option>` of a `<select>`.
struct Choice {
    var value: String
    var text: String
    var selected: Bool

    init(_ value: String, text: String? = nil, selected: Bool) {
        self.value = value
        self.text = text ?? value
        self.selected = selected
    }
}
