enum ScansTemplate {
    /// Context: `ScansView`.
    static let list = #"""
    {{> head}}
    <h1>Scans</h1>
    <table id="scans">
    <thead><tr><th>Scan</th><th>Started</th><th>Ended</th><th class="n">Records</th><th class="n">Exchange hosts</th></tr></thead>
    <tbody>{{#scans}}<tr><td><a href="{{href}}">{{name}}</a>{{#label}} <em>({{label}})</em>{{/label}}</td><td>{{startedAt}}</td><td>{{endedAt}}</td><td class="n">{{records}}</td><td class="n">{{exchangeHosts}}</td></tr>
    {{/scans}}</tbody>
    </table>
    <h2>Compare two scans</h2>
    <form method="get" action="/scans/diff" class="filters">
    <label>From <select name="from">{{#fromChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/fromChoices}}</select></label>
    <label>To <select name="to">{{#toChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/toChoices}}</select></label>
    <label>Finding <input name="finding" value="CVE-2025-53786" size="16"></label>
    <button type="submit">Compare</button>
    </form>
    {{> foot}}
    """#

    /// Context: `DiffView`.
    static let diff = #"""
    {{> head}}
    <h1>From {{from}} to {{to}}</h1>
    <p class="muted">Finding {{finding}}. Hosts are matched by address and port.</p>
    <div class="cards">
    <div class="card"><div class="value vulnerable" id="newly-exposed">{{newlyExposed}}</div><div class="label">newly exposed</div></div>
    <div class="card"><div class="value patched" id="newly-fixed">{{newlyFixed}}</div><div class="label">newly fixed</div></div>
    <div class="card"><div class="value" id="gone">{{gone}}</div><div class="label">vulnerable, now gone</div></div>
    <div class="card"><div class="value" id="build-changed">{{buildChanged}}</div><div class="label">build changed</div></div>
    </div>
    <h2>By country</h2>
    <table id="diff-countries">
    <thead><tr><th>Country</th><th class="n">Newly exposed</th><th class="n">Newly fixed</th><th class="n">Gone</th></tr></thead>
    <tbody>{{#byCountry}}<tr><td>{{countryName}} <span class="muted">{{countryCode}}</span></td><td class="n">{{newlyExposed}}</td><td class="n">{{newlyFixed}}</td><td class="n">{{gone}}</td></tr>
    {{/byCountry}}</tbody>
    </table>
    {{#lists}}
    <h2>{{title}} ({{count}})</h2>
    <table>
    <thead><tr><th>Host</th><th>Country</th><th>Build before</th><th>Build after</th><th>Status before</th><th>Status after</th></tr></thead>
    <tbody>{{#hosts}}<tr><td><a href="{{href}}">{{address}}:{{port}}</a></td><td>{{country}}</td><td><code>{{fromBuild}}</code></td><td><code>{{toBuild}}</code></td><td>{{fromStatus}}</td><td>{{toStatus}}</td></tr>
    {{/hosts}}</tbody>
    </table>
    {{#truncated}}<p class="muted">Only the first {{shown}} are listed.</p>{{/truncated}}
    {{/lists}}
    {{> foot}}
    """#
}
