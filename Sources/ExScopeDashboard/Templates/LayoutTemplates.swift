// Templates are Swift strings so the binary stays self-contained. Rules (a test enforces them):
// only `{{ }}` (escaped) tags; never triple mustaches, `{{&`, or a CONTENT_TYPE pragma.
enum LayoutTemplates {
    static let head = #"""
    <!doctype html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    {{#report}}
    <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
    <style>
    {{> stylesheet}}
    </style>
    {{/report}}
    {{^report}}
    <link rel="stylesheet" href="/static/app.css">
    {{/report}}
    <title>{{title}} · ExScope</title>
    </head>
    <body>
    <header class="top">
    <span class="brand">ExScope</span>
    {{^report}}
    <nav>
    <a href="/">Overview</a>
    <a href="/hosts">Hosts</a>
    <a href="/scans">Scans</a>
    <a href="/organisation">Organisation</a>
    {{#signedIn}}<form method="post" action="/logout" class="inline"><button type="submit">Sign out</button></form>{{/signedIn}}
    </nav>
    {{/report}}
    </header>
    <main>

    """#

    static let foot = #"""
    </main>
    <footer>ExScope · data from scans of servers that may be hostile: every value is shown as text.</footer>
    </body>
    </html>

    """#

    static let error = #"""
    {{> head}}
    <h1>{{status}} {{reason}}</h1>
    <p class="error" id="error-message">{{message}}</p>
    <p><a href="/">Back to the overview</a></p>
    {{> foot}}
    """#

    static let login = #"""
    {{> head}}
    <h1>Sign in</h1>
    <p>This dashboard is reachable from the network, so it asks for the token in its token file.</p>
    {{#failed}}<p class="error" id="login-failed">That token is not right.</p>{{/failed}}
    <form method="post" action="/login" class="login">
    <label>Token <input type="password" name="token" autocomplete="current-password" required></label>
    <button type="submit">Sign in</button>
    </form>
    {{> foot}}
    """#
}
