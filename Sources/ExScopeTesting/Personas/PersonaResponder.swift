import ExScopeCore
import Foundation

/// Names Exchange Online front ends show (shapes from the msxfaq.de samples).
enum ExchangeOnlineNames {
    static let frontEnd = "PS2PR02CA0033"
    static let backEnd = "PUZPR06MB4716"
    static let calculatedBackEnd = "PUZPR06MB4716.apcprd06.prod.outlook.com"
    static let proxyInfo = "SI2PR06CA0016.APCPRD06.PROD.OUTLOOK.COM"
    static let calculatedFrontEnd = "PS2PR02CU002.internal.outlook.com"
    static let certificate = CertificateSpec(
        commonName: "outlook.office365.com",
        subjectAlternativeNames: ["outlook.office365.com", "*.outlook.com", "*.office365.com", "outlook.office.com",
                                  "*.outlook.office365.com", "autodiscover-s.outlook.com"],
        issuerCommonName: "DigiCert Cloud Services CA-1", issuerOrganization: "DigiCert Inc")
}

/// Values planted by honeypots.
enum Honeypot {
    static let versionHeader = "15.20.7595.016"
}

/// Payloads for the script-injection persona: attacker-controlled strings a
/// dashboard must escape.
public enum ScriptPayloads {
    /// A script element.
    public static let script = "<script>alert(1)</script>"
    /// An attribute break-out.
    public static let attribute = "\"><img src=x onerror=alert(document.domain)>"
    /// The NetBIOS name the persona reports (`X-FEServer`, NTLM).
    public static let netBIOSName = "<script>alert(1)</script>"
    /// The certificate the persona presents: CN and SANs carry payloads.
    public static let certificate = CertificateSpec(
        commonName: "\"><img src=x onerror=alert('cn')>",
        subjectAlternativeNames: ["<script>alert('san')</script>.example", "mail.injection.example"],
        issuerCommonName: "<script>alert('issuer')</script>")
    /// The identity the persona discloses in NTLM and headers.
    static let identity = ServerIdentity(
        netBIOSComputerName: netBIOSName, netBIOSDomainName: "\"><img src=x onerror=alert(2)>",
        dnsDomainName: "<svg onload=alert(3)>.local", publicHostName: "mail.\"><script>alert(4)</script>",
        windows: .server2019)
}

/// Turns a request into the response a persona gives. Pure apart from
/// request ids, challenges and the Date header.
struct PersonaResponder: Sendable {
    /// Shared by every simulated host of the process.
    static let pages = HostTemplates()
    let persona: Persona
    /// The address the host lives on, used when a request has no Host header.
    let address: String

    func respond(to request: SimulatedRequest) -> SimulatedResponse {
        let host = request.hostName ?? address
        var response: SimulatedResponse
        switch persona {
        case .exchange(let server):
            response = exchange(server, request: request, host: host, title: nil, iisVersion: nil)
        case .scriptInjection(let build):
            let server = ExchangeServer(build: build, identity: ScriptPayloads.identity, hybridTenant: nil)
            response = exchange(server, request: request, host: host,
                                title: "Outlook \(ScriptPayloads.script)\(ScriptPayloads.attribute)",
                                iisVersion: "Microsoft-IIS/10.0 \(ScriptPayloads.script)")
            if request.path == "/owa/" || request.path == "/" {
                response.headers.append(("X-Forwarded-Note", ScriptPayloads.attribute))
            }
        case .rewrittenHeader(let real, let claimed, let identity):
            let server = ExchangeServer(build: real, identity: identity, disclosure: .full)
            response = exchange(server, request: request, host: host, title: nil, iisVersion: nil)
            rewrite(&response, claimed: claimed)
            if request.path.hasPrefix("/ecp/") {
                response = plain(403, "Forbidden", server: "Microsoft-IIS/10.0", body: ExchangePages.iis403)
            }
        case .reverseProxy(let server):
            response = reverseProxy(server, request: request, host: host)
        case .exchangeOnline(let build):
            response = exchangeOnline(build: build, request: request)
        case .honeypot(let style):
            response = honeypot(style, request: request, host: host)
        case .phishingClone:
            response = phishing(request: request)
        case .webServer(let style):
            response = webServer(style, request: request)
        case .hostile:
            // Hostile modes never reach the HTTP responder; answer sanely if they do.
            response = plain(500, "Internal Server Error", server: "nginx", body: "")
        }
        response.headers.append(("Date", HTTPDate.string()))
        if request.method == "HEAD" {
            response.body = []
        }
        return response
    }

    /// Builds the large pages this host serves (logon page, export-tool manifest) ahead of the first request.
    func warm() {
        for uri in ["/owa/auth/logon.aspx", "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application"] {
            _ = respond(to: SimulatedRequest(method: "GET", uri: uri, headers: []))
        }
    }

    // MARK: - On-premises Exchange

    private func exchange(_ server: ExchangeServer, request: SimulatedRequest, host: String, title: String?,
                          iisVersion: String?) -> SimulatedResponse {
        let path = request.path
        let version = server.build.description
        let full = server.disclosure == .full
        let iis = iisVersion ?? Self.iis(for: server.build)
        var generator = responseGenerator()
        let requestID = generator.uuid()
        var common: [(String, String)] = [("Server", iis), ("request-id", requestID)]
        let cafe: [(String, String)] = server.is2010 ? [] : [("X-FEServer", server.identity.netBIOSComputerName)]
        let powered: [(String, String)] = [("X-Powered-By", "ASP.NET")]
        let owaVersion: [(String, String)] = full ? [("X-OWA-Version", version)] : []
        let logonURL = "/owa/auth/logon.aspx?url=https%3a%2f%2f\(host)%2fowa%2f&reason=0"

        func redirect(_ location: String, status: Int = 302, withVersion: Bool) -> SimulatedResponse {
            var headers: [(String, String)] = [("Cache-Control", "no-cache"), ("Pragma", "no-cache"),
                                               ("Location", location)]
            headers += common
            if withVersion { headers += owaVersion }
            headers += cafe + powered
            headers += [("Content-Length", "0")]
            return SimulatedResponse(status: status, reason: status == 301 ? "Moved Permanently" : "Found", headers: headers)
        }

        switch path {
        case "/":
            return redirect("https://\(host)/owa/", withVersion: false)
        case "/owa":
            return redirect("https://\(host)/owa/", status: 301, withVersion: false)
        case "/owa/":
            return redirect(server.is2010 ? "https://\(host)/owa/auth/logon.aspx?url=https://\(host)/owa/&reason=0" : logonURL,
                            withVersion: server.versionHeaderOnRedirect || server.is2010)
        case "/owa/auth/logon.aspx":
            let body: [UInt8]
            var headers: [(String, String)] = [("Cache-Control", "no-cache, no-store"),
                                               ("Content-Type", "text/html; charset=utf-8"),
                                               ("Expires", "-1"), ("Pragma", "no-cache")]
            headers += common
            headers += [("X-AspNet-Version", server.is2010 ? "2.0.50727" : "4.0.30319"), ("X-Frame-Options", "SAMEORIGIN")]
            if server.is2010 {
                body = Self.pages.page("logon2010 \(server.owaPathVersion)", host: host) {
                    ExchangePages.logon2010(version: server.owaPathVersion, host: $0)
                }
                headers += owaVersion
            } else {
                let pageTitle = title ?? (server.build.minor == 0 ? "Outlook Web App" : "Outlook")
                body = Self.pages.page("logon2013 \(server.owaPathVersion) \(pageTitle)", host: host) {
                    ExchangePages.logon2013(version: server.owaPathVersion, title: pageTitle, host: $0)
                }
            }
            headers += powered
            headers.append(("Content-Length", String(body.count)))
            return SimulatedResponse(status: 200, reason: "OK", headers: headers, body: body)
        case "/ecp", "/ecp/":
            return redirect("https://\(host)/owa/auth/logon.aspx?replaceCurrent=1&url=https%3a%2f%2f\(host)%2fecp%2f",
                            withVersion: false)
        default:
            break
        }

        if path.hasPrefix("/ecp/") && path.hasSuffix("/exporttool/microsoft.exchange.ediscovery.exporttool.application") {
            let folder = path.dropFirst("/ecp/".count).prefix { $0 != "/" }
            guard full, !server.is2010, folder == "current" || folder == version else {
                return notFound(common: common + cafe + powered)
            }
            let body = Self.pages.page("manifest \(version)", host: host) {
                ExchangePages.exportToolManifest(
                    version: version, token: "b1d1a6c45aa418ce", publisher: "Microsoft Corporation",
                    deployment: "https://\($0)/ecp/\(version)/exporttool/microsoft.exchange.ediscovery.exporttool.application")
            }
            var headers: [(String, String)] = [("Content-Type", "application/x-ms-application"),
                                               ("Last-Modified", "Tue, 08 Apr 2025 17:22:10 GMT"),
                                               ("Accept-Ranges", "bytes"),
                                               ("ETag", "\"\(ExchangePages.pseudoHex(seed: version, count: 14))\"")]
            headers += common + cafe
            if !server.is2010 { headers.append(("X-BEServer", server.identity.netBIOSComputerName)) }
            headers += powered + [("Content-Length", String(body.count))]
            return SimulatedResponse(status: 200, reason: "OK", headers: headers, body: body)
        }

        let owaResources = server.is2010 ? "/owa/\(server.owaPathVersion.lowercased())/" : "/owa/auth/\(server.owaPathVersion)/"
        if path.hasPrefix(owaResources) {
            var headers: [(String, String)] = [("Content-Type", path.hasSuffix(".ico") ? "image/x-icon" : "application/octet-stream"),
                                               ("Cache-Control", "public, max-age=31536000")]
            headers += common + powered + [("Content-Length", "1150")]
            return SimulatedResponse(status: 200, reason: "OK", headers: headers, body: [UInt8](repeating: 0, count: 1150))
        }

        // The authenticated virtual directories: 401 with the version header.
        let ntlmPaths = ["/ews", "/rpc", "/mapi", "/oab", "/autodiscover", "/owa/service.svc", "/powershell"]
        let isActiveSync = path.hasPrefix("/microsoft-server-activesync")
        let isNTLMPath = ntlmPaths.contains { path == $0 || path.hasPrefix($0 + "/") || path.hasPrefix($0 + ".") }
        guard isActiveSync || isNTLMPath else {
            return notFound(common: common + cafe + powered)
        }
        common += [("X-CalculatedBETarget", server.identity.dnsComputerName.lowercased())]
        if !server.is2010 { common += [("X-AspNet-Version", "4.0.30319")] }
        var headers = common + owaVersion
        let authorization = request.header("Authorization")
        if isActiveSync {
            if let authorization, authorization.lowercased().hasPrefix("bearer"), let tenant = server.hybridTenant {
                headers.append(("x-ms-diagnostics", "2000001;reason=\"The token is missing or empty.\";error_category=\"invalid_token\""))
                headers.append(("WWW-Authenticate", "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@\(tenant)\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"https://login.windows.net/common/oauth2/authorize\", error=\"invalid_token\""))
            }
            headers.append(("WWW-Authenticate", "Basic realm=\"\(server.identity.publicHostName)\""))
        } else if let scheme = NTLMChallenge.negotiateScheme(in: authorization) {
            let challenge = NTLMChallenge.message(identity: server.identity, challenge: generator.next())
            headers.append(("WWW-Authenticate", "\(scheme) \(challenge)"))
        } else {
            headers += [("WWW-Authenticate", "Negotiate"), ("WWW-Authenticate", "NTLM"),
                        ("WWW-Authenticate", "Basic realm=\"\(server.identity.publicHostName)\"")]
        }
        headers += cafe + powered + [("Content-Length", "0")]
        return SimulatedResponse(status: 401, reason: "Unauthorized", headers: headers)
    }

    private static func iis(for build: BuildNumber) -> String {
        switch (build.major, build.minor) {
        case (14, _): "Microsoft-IIS/7.5"
        case (15, 0): "Microsoft-IIS/8.5"
        default: "Microsoft-IIS/10.0"
        }
    }

    private func notFound(common: [(String, String)]) -> SimulatedResponse {
        let body = Array(ExchangePages.iis404.utf8)
        return SimulatedResponse(status: 404, reason: "Not Found",
                                 headers: [("Content-Type", "text/html")] + common + [("Content-Length", String(body.count))],
                                 body: body)
    }

    private func plain(_ status: Int, _ reason: String, server: String, body: String,
                       contentType: String = "text/html", extra: [(String, String)] = []) -> SimulatedResponse {
        let bytes = Array(body.utf8)
        return SimulatedResponse(status: status, reason: reason,
                                 headers: [("Server", server), ("Content-Type", contentType)] + extra
                                     + [("Content-Length", String(bytes.count))],
                                 body: bytes)
    }

    private func rewrite(_ response: inout SimulatedResponse, claimed: String) {
        response.headers = response.headers.map { name, value in
            name.caseInsensitiveCompare("X-OWA-Version") == .orderedSame ? ("X-OWA-Version", claimed) : (name, value)
        }
    }

    // MARK: - Reverse proxy

    private func reverseProxy(_ server: ExchangeServer, request: SimulatedRequest, host: String) -> SimulatedResponse {
        let path = request.path
        if path == "/lm_auth_proxy" {
            let body = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>LoadMaster ESP Login</title>
            <link rel="stylesheet" href="/lm_auth_proxy?LMCSS"></head>
            <body><form method="post" action="/lm_auth_proxy?LMLogon">
            <h1>\(server.identity.publicHostName)</h1>
            <label>User name <input name="username"></label>
            <label>Password <input name="password" type="password"></label>
            <input type="hidden" name="curl" value="Z2Fowa">
            <button type="submit">Log On</button></form></body></html>

            """
            return plain(200, "OK", server: "", body: body, extra: [("Cache-Control", "no-cache")])
                .removingEmptyServer()
        }
        if path == "/" || path.hasPrefix("/owa") || path.hasPrefix("/ecp") {
            return SimulatedResponse(status: 302, reason: "Found",
                                     headers: [("Location", "https://\(host)/lm_auth_proxy?LMLogon"),
                                               ("Cache-Control", "no-cache"), ("Content-Length", "0")])
        }
        // /EWS/, /Autodiscover/, /Microsoft-Server-ActiveSync are passed through to Exchange.
        return exchange(server, request: request, host: host, title: nil, iisVersion: nil)
    }

    // MARK: - Exchange Online

    private func exchangeOnline(build: BuildNumber, request: SimulatedRequest) -> SimulatedResponse {
        let path = request.path
        var generator = responseGenerator()
        var headers: [(String, String)] = [
            ("Server", "Microsoft-IIS/10.0"), ("request-id", generator.uuid()),
            ("X-CalculatedFETarget", ExchangeOnlineNames.calculatedFrontEnd),
            ("X-BackEndHttpStatus", "401"), ("X-FEProxyInfo", ExchangeOnlineNames.proxyInfo),
            ("X-CalculatedBETarget", ExchangeOnlineNames.calculatedBackEnd),
            ("X-RUM-Validated", "1"), ("X-FEEFZInfo", "SIN"), ("X-BeSku", "WCS7"),
            ("X-OWA-Version", build.description), ("X-BEServer", ExchangeOnlineNames.backEnd),
            ("X-Proxy-RoutingCorrectness", "1"), ("X-Proxy-BackendServerStatus", "401"),
            ("X-FEServer", ExchangeOnlineNames.frontEnd), ("X-Powered-By", "ASP.NET"),
        ]
        if path == "/" || path.hasPrefix("/owa") || path.hasPrefix("/ecp") {
            headers = headers.filter { $0.0 != "X-BackEndHttpStatus" && $0.0 != "X-Proxy-BackendServerStatus" }
            headers.append(("Location", "https://outlook.office365.com/owa/?realm=&exsvurl=1&ll-cc=1033&modurl=0"))
            headers.append(("Content-Length", "0"))
            return SimulatedResponse(status: 302, reason: "Found", headers: headers)
        }
        let bearerWildcard = "Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\", trusted_issuers=\"00000001-0000-0000-c000-000000000000@*\", token_types=\"app_asserted_user_v1 service_asserted_app_v1\", authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"invalid_token\""
        headers.append(("WWW-Authenticate", bearerWildcard))
        headers.append(("WWW-Authenticate", "Basic Realm=\"\",Negotiate"))
        headers.append(("Content-Length", "0"))
        return SimulatedResponse(status: 401, reason: "Unauthorized", headers: headers)
    }

    // MARK: - Honeypots, clones, plain web servers

    private func honeypot(_ style: HoneypotStyle, request: SimulatedRequest, host: String) -> SimulatedResponse {
        let path = request.path
        let pasted: [(String, String)] = [
            ("Server", "nginx/1.24.0"), ("X-OWA-Version", Honeypot.versionHeader), ("X-FEServer", "OUTLOOK-WEB-01"),
            ("X-CalculatedBETarget", "exchange.internal"), ("X-BEServer", "EX2019-MBX-01"),
            ("MicrosoftSharePointTeamServices", "16.0.0.5452"), ("X-MS-Azure-Region", "westeurope"),
            ("X-Powered-By", "ASP.NET"),
        ]
        switch style {
        case .headerDeception:
            if path == "/" {
                return plain(200, "OK", server: "", body: "<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works</h1></body></html>\n",
                             extra: Array(pasted.dropFirst())).replacingServer("nginx/1.24.0")
            }
            return plain(404, "Not Found", server: "", body: "<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx/1.24.0</center></body></html>\n",
                         extra: Array(pasted.dropFirst())).replacingServer("nginx/1.24.0")
        case .exportToolBait:
            let headers: [(String, String)] = [("Server", "Microsoft-IIS/10.0"), ("X-FEServer", "EXCH01"),
                                               ("X-Powered-By", "ASP.NET")]
            if path.hasSuffix("/exporttool/microsoft.exchange.ediscovery.exporttool.application") {
                let body = ExchangePages.exportToolManifest(
                    version: "15.0.0.0", token: "0000000000000000", publisher: "Example Corp.",
                    deployment: "https://example.invalid/ecp/exporttool/microsoft.exchange.ediscovery.exporttool.application",
                    codebase: "ExportTool.exe.manifest", size: 0)
                return plain(200, "OK", server: "", body: body, contentType: "application/x-ms-application",
                             extra: Array(headers.dropFirst())).replacingServer("Microsoft-IIS/10.0")
            }
            if path == "/owa/" || path == "/" {
                return SimulatedResponse(status: 302, reason: "Found",
                                         headers: headers + [("X-OWA-Version", Honeypot.versionHeader),
                                                             ("Location", "https://\(host)/owa/auth/logon.aspx"),
                                                             ("Content-Length", "0")])
            }
            if path.hasPrefix("/ews") || path.hasPrefix("/autodiscover") {
                return SimulatedResponse(status: 401, reason: "Unauthorized",
                                         headers: headers + [("X-OWA-Version", Honeypot.versionHeader),
                                                             ("WWW-Authenticate", "Basic realm=\"\(host)\""),
                                                             ("Content-Length", "0")])
            }
            return notFound(common: headers)
        }
    }

    private func phishing(request: SimulatedRequest) -> SimulatedResponse {
        let path = request.path
        if path == "/" || path.hasPrefix("/owa") {
            let body = """
            <!DOCTYPE html>
            <!-- OwaPage = ASP.auth_logon_aspx -->
            <html><head><meta charset="utf-8"><title>Sign in to your mailbox</title>
            <link rel="stylesheet" href="/assets/style.css"></head>
            <body><div class="box"><h2>Webmail</h2>
            <form method="post" action="/next.php"><input name="login" placeholder="Email address">
            <input name="passwd" type="password" placeholder="Password"><button>Sign in</button></form></div></body></html>

            """
            return plain(200, "OK", server: "Apache/2.4.58 (Ubuntu)", body: body, contentType: "text/html; charset=UTF-8")
        }
        return plain(404, "Not Found", server: "Apache/2.4.58 (Ubuntu)",
                     body: "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n",
                     contentType: "text/html; charset=iso-8859-1")
    }

    private func webServer(_ style: WebServerStyle, request: SimulatedRequest) -> SimulatedResponse {
        let root = request.path == "/" || request.path == "/index.html"
        switch style {
        case .nginx:
            return root
                ? plain(200, "OK", server: "nginx/1.24.0", body: "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and working.</p>\n</body>\n</html>\n")
                : plain(404, "Not Found", server: "nginx/1.24.0", body: "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n")
        case .apache:
            return root
                ? plain(200, "OK", server: "Apache/2.4.58 (Ubuntu)", body: "<!DOCTYPE html><html><head><title>Apache2 Ubuntu Default Page: It works</title></head><body><h1>It works!</h1></body></html>\n")
                : plain(404, "Not Found", server: "Apache/2.4.58 (Ubuntu)", body: "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>\n")
        case .iis:
            return root
                ? plain(200, "OK", server: "Microsoft-IIS/10.0", body: "<!DOCTYPE html><html><head><title>IIS Windows Server</title></head><body><div id=\"container\"><a href=\"http://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409\"><img src=\"iisstart.png\" alt=\"IIS\"></a></div></body></html>\n",
                        extra: [("X-Powered-By", "ASP.NET")])
                : notFound(common: [("Server", "Microsoft-IIS/10.0"), ("X-Powered-By", "ASP.NET")])
        }
    }
}

extension SimulatedResponse {
    fileprivate func removingEmptyServer() -> SimulatedResponse {
        var copy = self
        copy.headers.removeAll { $0.0 == "Server" && $0.1.isEmpty }
        return copy
    }

    fileprivate func replacingServer(_ server: String) -> SimulatedResponse {
        var copy = self
        copy.headers = copy.headers.map { $0.0 == "Server" ? ("Server", server) : $0 }
        return copy
    }
}
