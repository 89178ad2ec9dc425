/// The Microsoft cloud to talk to, and the two base URLs ExScope uses in it.
///
/// Both endpoints can be overridden (`--login-endpoint`, `--graph-endpoint`), which is how the
/// tests point ExScope at the mock Graph server on 127.0.0.1.
public struct GraphEnvironment: Sendable, Hashable {
    /// The clouds `ConfigureExchangeHybridApplication.ps1 -AzureEnvironment` knows.
    public enum Cloud: String, Sendable, Hashable, CaseIterable {
        case global = "Global"
        case usGovernmentL4 = "USGovernmentL4"
        case usGovernmentL5 = "USGovernmentL5"
        case china = "ChinaCloud"
        case bleu = "BleuCloud"
        case delos = "DelosCloud"

        /// `https://login.microsoftonline.com` and its sovereign equivalents.
        public var loginEndpoint: String {
            switch self {
            case .global: "https://login.microsoftonline.com"
            case .usGovernmentL4, .usGovernmentL5: "https://login.microsoftonline.us"
            case .china: "https://login.partner.microsoftonline.cn"
            case .bleu: "https://login.sovcloud-identity.fr"
            case .delos: "https://login.sovcloud-identity.de"
            }
        }

        /// `https://graph.microsoft.com` and its sovereign equivalents.
        public var graphEndpoint: String {
            switch self {
            case .global: "https://graph.microsoft.com"
            case .usGovernmentL4: "https://graph.microsoft.us"
            case .usGovernmentL5: "https://dod-graph.microsoft.us"
            case .china: "https://microsoftgraph.chinacloudapi.cn"
            case .bleu: "https://graph.svc.sovcloud.fr"
            case .delos: "https://graph.svc.sovcloud.de"
            }
        }
    }

    /// The sign-in base URL, without a trailing slash.
    public var loginEndpoint: String
    /// The Graph base URL, without a trailing slash or version.
    public var graphEndpoint: String
    /// The OAuth scope for app-only tokens: `<graph>/.default`. Overridden endpoints keep the cloud's scope.
    public var scope: String

    /// The endpoints of `cloud`, with optional overrides.
    public init(cloud: Cloud = .global, loginEndpoint: String? = nil, graphEndpoint: String? = nil) {
        self.loginEndpoint = Self.trim(loginEndpoint ?? cloud.loginEndpoint)
        self.graphEndpoint = Self.trim(graphEndpoint ?? cloud.graphEndpoint)
        self.scope = cloud.graphEndpoint + "/.default"
    }

    static func trim(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
