enum StylesheetTemplate {
    /// Served as `/static/app.css` and inlined in the HTML report. It holds no Mustache tags.
    static let css = #"""
    :root { --vulnerable: #c0392b; --patched: #2e8b57; --indeterminate: #d4a017; --other: #9aa5b1; --ink: #1d2733; --muted: #5b6b7c; }
    * { box-sizing: border-box; }
    body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f8fa; }
    header.top { display: flex; align-items: center; gap: 2rem; padding: .6rem 1.5rem; background: #1d2733; color: #fff; }
    header.top a { color: #dbe6f1; margin-right: 1rem; text-decoration: none; }
    .brand { font-weight: 700; letter-spacing: .04em; }
    main { padding: 1rem 1.5rem 2rem; max-width: 1200px; }
    footer { padding: 1rem 1.5rem; color: var(--muted); font-size: 13px; }
    h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
    h2 { font-size: 1.15rem; margin: 1.6rem 0 .6rem; }
    table { border-collapse: collapse; background: #fff; margin: .4rem 0 1rem; }
    th, td { border-bottom: 1px solid #e3e8ee; padding: .3rem .6rem; text-align: left; vertical-align: top; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    .cards { display: flex; flex-wrap: wrap; gap: .8rem; }
    .card { background: #fff; border: 1px solid #e3e8ee; border-radius: 6px; padding: .6rem 1rem; min-width: 150px; }
    .card .value { font-size: 1.6rem; font-weight: 700; }
    .card .label { color: var(--muted); font-size: 13px; }
    .vulnerable { color: var(--vulnerable); } .patched { color: var(--patched); } .indeterminate { color: #9a7400; }
    rect.vulnerable { fill: var(--vulnerable); } rect.patched { fill: var(--patched); }
    rect.indeterminate { fill: var(--indeterminate); } rect.other { fill: var(--other); }
    polyline.exchange { stroke: #34495e; } polyline.vulnerable { stroke: var(--vulnerable); }
    circle.exchange { fill: #34495e; } circle.vulnerable { fill: var(--vulnerable); }
    svg text { font-size: 12px; fill: var(--ink); }
    svg .axis { stroke: #c5ced8; }
    .chart { background: #fff; border: 1px solid #e3e8ee; border-radius: 6px; margin: .4rem 0 1rem; }
    form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; background: #fff; padding: .6rem; border: 1px solid #e3e8ee; }
    form.filters label { display: flex; flex-direction: column; font-size: 13px; color: var(--muted); }
    form.inline { display: inline; }
    .error { color: var(--vulnerable); }
    .muted { color: var(--muted); }
    code, pre { font: 13px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
    pre { background: #fff; border: 1px solid #e3e8ee; padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
    ul.reasons li { margin: .25rem 0; }
    .status-done { color: var(--patched); } .status-todo { color: var(--vulnerable); } .status-neutral { color: var(--muted); }
    """#
}
