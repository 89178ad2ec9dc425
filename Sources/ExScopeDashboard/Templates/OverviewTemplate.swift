enum OverviewTemplate {
    /// Context: `OverviewView`.
    static let page = #"""
    {{> head}}
    <h1>Exposure overview</h1>
    {{^report}}
    <form method="get" action="/" class="filters">
    <label>Scan <select name="scan">{{#scans}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}{{#label}} ({{label}}){{/label}}</option>{{/scans}}</select></label>
    <label>Finding <select name="finding">{{#findingChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/findingChoices}}</select></label>
    <label>Minimum confidence <select name="confidence">{{#confidenceChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/confidenceChoices}}</select></label>
    <button type="submit">Show</button>
    </form>
    {{/report}}
    <p class="muted">Scan <strong id="scan-name">{{scanName}}</strong>{{#scanLabel}} <em>({{scanLabel}})</em>{{/scanLabel}}{{#startedAt}} · started {{startedAt}}{{/startedAt}} · finding <strong>{{finding}}</strong> · Exchange hosts counted at confidence {{minConfidence}} or higher; Exchange Online is never counted.</p>
    <div class="cards">
    <div class="card"><div class="value" id="total-records">{{totals.records}}</div><div class="label">records</div></div>
    <div class="card"><div class="value" id="total-exchange">{{totals.exchangeHosts}}</div><div class="label">on-premises Exchange hosts</div></div>
    <div class="card"><div class="value vulnerable" id="total-vulnerable">{{status.vulnerable}}</div><div class="label">vulnerable ({{status.vulnerableShare}})</div></div>
    <div class="card"><div class="value patched" id="total-patched">{{status.patched}}</div><div class="label">patched ({{status.patchedShare}})</div></div>
    <div class="card"><div class="value indeterminate" id="total-indeterminate">{{status.indeterminate}}</div><div class="label">indeterminate ({{status.indeterminateShare}})</div></div>
    <div class="card"><div class="value" id="total-online">{{totals.exchangeOnline}}</div><div class="label">Exchange Online (not counted)</div></div>
    </div>
    <p class="muted">{{totals.responded}} targets answered; {{totals.belowConfidence}} Exchange hosts below the confidence threshold; {{totals.withAnomalies}} counted hosts show anomalies. Not affected: {{status.notAffected}}; no verdict: {{status.unknown}}.</p>

    <h2>By country</h2>
    {{#countryChart}}{{> barChart}}{{/countryChart}}
    <table id="countries">
    <thead><tr><th>Country</th><th class="n">Exchange hosts</th><th class="n">Vulnerable</th><th class="n">Share</th><th class="n">Patched</th><th class="n">Indeterminate</th></tr></thead>
    <tbody>
    {{#countries}}<tr data-key="{{key}}"><td>{{#report}}{{label}}{{/report}}{{^report}}<a href="{{href}}">{{label}}</a>{{/report}} <span class="muted">{{key}}</span></td><td class="n">{{total}}</td><td class="n vulnerable">{{vulnerable}}</td><td class="n">{{vulnerableShare}}</td><td class="n">{{patched}}</td><td class="n">{{indeterminate}}</td></tr>
    {{/countries}}
    </tbody>
    </table>

    <h2>By product</h2>
    <table id="products">
    <thead><tr><th>Product</th><th class="n">Hosts</th><th class="n">Vulnerable</th><th class="n">Patched</th><th class="n">Indeterminate</th></tr></thead>
    <tbody>{{#products}}<tr><td>{{label}}</td><td class="n">{{total}}</td><td class="n vulnerable">{{vulnerable}}</td><td class="n">{{patched}}</td><td class="n">{{indeterminate}}</td></tr>
    {{/products}}</tbody>
    </table>

    <h2>By cumulative update</h2>
    <table id="cus">
    <thead><tr><th>Product · CU</th><th class="n">Hosts</th><th class="n">Vulnerable</th><th class="n">Patched</th><th class="n">Indeterminate</th></tr></thead>
    <tbody>{{#cus}}<tr><td>{{label}}</td><td class="n">{{total}}</td><td class="n vulnerable">{{vulnerable}}</td><td class="n">{{patched}}</td><td class="n">{{indeterminate}}</td></tr>
    {{/cus}}</tbody>
    </table>

    <h2>By update</h2>
    <table id="updates">
    <thead><tr><th>Product · CU · update</th><th class="n">Hosts</th><th class="n">Vulnerable</th><th class="n">Patched</th><th class="n">Indeterminate</th></tr></thead>
    <tbody>{{#updates}}<tr><td>{{label}}</td><td class="n">{{total}}</td><td class="n vulnerable">{{vulnerable}}</td><td class="n">{{patched}}</td><td class="n">{{indeterminate}}</td></tr>
    {{/updates}}</tbody>
    </table>

    <h2>Every finding</h2>
    <table id="findings">
    <thead><tr><th>Finding</th><th class="n">Vulnerable</th><th class="n">Patched</th><th class="n">Indeterminate</th><th class="n">Not affected</th><th class="n">Vulnerable share</th></tr></thead>
    <tbody>{{#findings}}<tr><td>{{label}}</td><td class="n vulnerable">{{vulnerable}}</td><td class="n">{{patched}}</td><td class="n">{{indeterminate}}</td><td class="n">{{notAffected}}</td><td class="n">{{vulnerableShare}}</td></tr>
    {{/findings}}</tbody>
    </table>

    <h2>Across scans</h2>
    {{#historyChart}}{{> lineChart}}{{/historyChart}}
    <table id="history">
    <thead><tr><th>Scan</th><th>Started</th><th class="n">Exchange hosts</th><th class="n">Vulnerable</th><th class="n">Patched</th><th class="n">Indeterminate</th></tr></thead>
    <tbody>{{#history}}<tr><td>{{label}}</td><td>{{startedAt}}</td><td class="n">{{total}}</td><td class="n vulnerable">{{vulnerable}}</td><td class="n">{{patched}}</td><td class="n">{{indeterminate}}</td></tr>
    {{/history}}</tbody>
    </table>
    {{> foot}}
    """#
}
