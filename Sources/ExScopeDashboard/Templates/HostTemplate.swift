enum HostTemplate {
    /// Context: `HostView`. Every value here may come from the scanned server.
    static let page = #"""
    {{> head}}
    <h1>Host <span id="host-address">{{address}}</span>:{{port}}</h1>
    <p class="muted">Scan <a href="/?scan={{scanQuery}}">{{scan}}</a> · {{timestamp}} · scan status <strong>{{scanStatus}}</strong>{{#error}} · {{error}}{{/error}}</p>
    <table id="summary">
    <tr><th>Host name</th><td>{{hostname}}</td></tr>
    <tr><th>Country</th><td>{{country}}</td></tr>
    <tr><th>ASN</th><td>{{asn}}</td></tr>
    <tr><th>Exchange</th><td id="verdict-exchange">{{exchangeText}}</td></tr>
    <tr><th>Confidence</th><td>{{confidence}}</td></tr>
    <tr><th>Build</th><td><code id="verdict-build">{{build}}</code> ({{precision}})</td></tr>
    <tr><th>Product</th><td>{{product}} {{cu}} {{update}}</td></tr>
    <tr><th>Support</th><td>{{support}}{{#supportReason}} — {{supportReason}}{{/supportReason}}</td></tr>
    </table>

    <h2>Why this verdict</h2>
    <ul class="reasons" id="reasons">
    {{#reasons}}<li>{{.}}</li>
    {{/reasons}}
    </ul>

    <h2>Findings</h2>
    <table id="host-findings">
    <thead><tr><th>Finding</th><th>Status</th><th>Fixed in</th><th>Reason</th></tr></thead>
    <tbody>{{#findings}}<tr><td>{{id}}</td><td class="{{status}}">{{status}}</td><td><code>{{fixedIn}}</code></td><td>{{reason}}</td></tr>
    {{/findings}}</tbody>
    </table>
    {{^findings}}<p class="muted">No findings: {{#verdictNote}}{{verdictNote}}{{/verdictNote}}{{^verdictNote}}no build was judged.{{/verdictNote}}</p>{{/findings}}

    <h2>Build candidates</h2>
    <table id="candidates">
    <thead><tr><th>Build</th><th>Precision</th><th>Sources</th></tr></thead>
    <tbody>{{#candidates}}<tr><td><code>{{build}}</code></td><td>{{precision}}</td><td>{{sources}}</td></tr>
    {{/candidates}}</tbody>
    </table>

    <h2>Evidence</h2>
    <table id="evidence">
    <thead><tr><th>Source</th><th>Path</th><th>Value</th><th>Build</th></tr></thead>
    <tbody>{{#evidence}}<tr><td>{{source}}</td><td><code>{{path}}</code></td><td><code>{{value}}</code></td><td><code>{{build}}</code> {{precision}}</td></tr>
    {{/evidence}}</tbody>
    </table>

    <h2>Anomalies</h2>
    <table id="anomalies">
    <tbody>{{#anomalies}}<tr><td><code>{{code}}</code></td><td>{{text}}</td></tr>
    {{/anomalies}}</tbody>
    </table>
    {{^anomalies}}<p class="muted">None.</p>{{/anomalies}}

    <h2>Identity</h2>
    <table id="identity">
    {{#identity}}<tr><th>{{name}}</th><td><code>{{value}}</code></td></tr>
    {{/identity}}
    </table>

    <h2>Certificate</h2>
    <table id="certificate">
    {{#certificate}}<tr><th>{{name}}</th><td><code>{{value}}</code></td></tr>
    {{/certificate}}
    </table>
    {{^certificate}}<p class="muted">No certificate recorded.</p>{{/certificate}}

    <h2>Requests</h2>
    <table id="requests">
    {{#requests}}<tr><td><code>{{path}}</code></td><td>{{status}}</td></tr>
    {{/requests}}
    </table>

    <h2>The record</h2>
    <pre id="record-json">{{json}}</pre>
    <p><a href="{{apiHref}}">This host as JSON</a></p>
    {{> foot}}
    """#
}
