enum ChartTemplates {
    /// Context: a `BarChart`.
    static let bar = #"""
    <svg class="chart" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{title}}" xmlns="http://www.w3.org/2000/svg">
    <title>{{title}}</title>
    {{#bars}}
    <a href="{{href}}">
    <text x="4" y="{{textY}}" class="bar-label">{{label}}</text>
    {{#segments}}<rect x="{{x}}" y="{{y}}" width="{{width}}" height="18" class="{{kind}}"><title>{{title}}</title></rect>{{/segments}}
    <text x="{{valueX}}" y="{{textY}}" class="bar-value">{{value}}</text>
    </a>
    {{/bars}}
    </svg>
    """#

    /// Context: a `LineChart`.
    static let line = #"""
    <svg class="chart" width="{{width}}" height="{{height}}" viewBox="0 0 {{width}} {{height}}" role="img" aria-label="{{title}}" xmlns="http://www.w3.org/2000/svg">
    <title>{{title}}</title>
    <line x1="60" y1="180" x2="620" y2="180" class="axis"/>
    <line x1="60" y1="12" x2="60" y2="180" class="axis"/>
    {{#yTicks}}<text x="{{x}}" y="{{y}}" text-anchor="end">{{label}}</text>{{/yTicks}}
    {{#xTicks}}<text x="{{x}}" y="{{y}}" text-anchor="middle">{{label}}</text>{{/xTicks}}
    {{#series}}
    <polyline points="{{points}}" fill="none" stroke-width="2" class="{{kind}}"/>
    {{#dots}}<circle cx="{{x}}" cy="{{y}}" r="3" class="{{kind}}"><title>{{title}}</title></circle>{{/dots}}
    {{/series}}
    </svg>
    """#
}
