enum OrganisationTemplate {
    /// Context: `OrganisationView`.
    static let page = #"""
    {{> head}}
    <h1>Organisation: ED 25-02 checklist</h1>
    {{#assessment}}
    <p class="muted">{{title}}{{#generatedAt}} · {{generatedAt}}{{/generatedAt}}</p>
    <table id="checklist">
    <thead><tr><th>Scope</th><th>Action</th><th>Status</th><th>Evidence</th><th>Next command</th></tr></thead>
    <tbody>{{#items}}<tr><td>{{scope}}</td><td>{{action}}</td><td class="{{statusClass}}">{{status}}</td><td>{{evidence}}</td><td><code>{{nextCommand}}</code></td></tr>
    {{/items}}</tbody>
    </table>
    {{#hasEarlier}}
    <h2>Earlier assessments</h2>
    <table id="earlier-assessments">
    <thead><tr><th>Made</th><th>Organisation</th><th>Overall</th><th>Actions by status</th></tr></thead>
    <tbody>{{#earlier}}<tr><td>{{generatedAt}}</td><td>{{organisation}}</td><td class="{{statusClass}}">{{overall}}</td><td>{{counts}}</td></tr>
    {{/earlier}}</tbody>
    </table>
    {{/hasEarlier}}
    {{/assessment}}
    {{^assessment}}
    <p id="no-assessment">No assessment is stored yet. Run <code>exscope assess</code> to check the tenant and the servers against ED 25-02.</p>
    {{/assessment}}
    {{> foot}}
    """#
}
