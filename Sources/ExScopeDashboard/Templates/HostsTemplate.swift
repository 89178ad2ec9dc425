enum HostsTemplate {
    /// Context: `HostsView`.
    static let page = #"""
    {{> head}}
    <h1>Hosts</h1>
    <form method="get" action="/hosts" class="filters">
    <label>Scan <select name="scan">{{#scans}}<option value="{{name}}"{{#selected}} selected{{/selected}}>{{name}}</option>{{/scans}}</select></label>
    <label>Finding <input name="finding" value="{{query.finding}}" size="16"></label>
    <label>Status <select name="status">{{#statusChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/statusChoices}}</select></label>
    <label>Country <input name="country" value="{{query.country}}" size="3" placeholder="DE"></label>
    <label>ASN <input name="asn" value="{{query.asn}}" size="8"></label>
    <label>Product <input name="product" value="{{query.product}}" size="20" placeholder="Exchange Server 2019"></label>
    <label>CU <input name="cu" value="{{query.cu}}" size="5"></label>
    <label>Confidence <select name="confidence">{{#confidenceChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/confidenceChoices}}</select></label>
    <label>Anomaly <select name="anomaly">{{#anomalyChoices}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{text}}</option>{{/anomalyChoices}}</select></label>
    <label>Rows <input name="limit" value="{{query.limit}}" size="4"></label>
    <button type="submit">Filter</button>
    </form>
    <p><strong id="matching">{{matching}}</strong> hosts match in scan <strong>{{scan}}</strong>.</p>
    <table id="hosts">
    <thead><tr><th>Address</th><th>Port</th><th>Host name</th><th>Country</th><th>ASN</th><th>Product</th><th>CU</th><th>Update</th><th>Build</th><th>Confidence</th><th>{{query.finding}}</th><th>Anomalies</th></tr></thead>
    <tbody>
    {{#rows}}<tr><td><a href="{{href}}">{{address}}</a></td><td>{{port}}</td><td>{{hostname}}</td><td>{{country}}</td><td>{{asn}}</td><td>{{product}}</td><td>{{cu}}</td><td>{{update}}</td><td><code>{{build}}</code></td><td>{{confidence}}</td><td class="{{status}}">{{status}}</td><td>{{anomalies}}</td></tr>
    {{/rows}}
    </tbody>
    </table>
    {{^rows}}<p class="muted">No host matches these filters.</p>{{/rows}}
    <p>{{#firstHref}}<a href="{{firstHref}}">First page</a> · {{/firstHref}}{{#nextHref}}<a href="{{nextHref}}" id="next-page">Next page</a>{{/nextHref}}</p>
    {{> foot}}
    """#
}
