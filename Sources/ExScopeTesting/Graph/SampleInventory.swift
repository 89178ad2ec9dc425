import ExScopeCore

/// A collector inventory (`exscope.inventory/1`) that matches the mock tenants: the organisation,
/// auth certificate, EvoSTS AuthServer and override that ``MockGraphTenant`` expects. `exscope demo`
/// assesses it against ``MockGraphServer`` so the dashboard's Organisation page has something to show.
public enum SampleInventory {
    /// Two patched Exchange 2019 CU15 servers with the dedicated app configured on-premises.
    /// The organisation is named so that nobody mistakes it for a real one.
    public static let demo: String = {
        let guid = MockGraphTenant.organizationGuid
        let thumbprint = MockGraphTenant.currentAuthThumbprint
        let server = { (name: String) in
            #"{"name":"\#(name)","roles":["Mailbox"],"isEdge":false,"exSetupVersion":"15.2.1748.39","adminDisplayVersion":"Version 15.2 (Build 1748.10)"}"#
        }
        return """
        {"schema":"exscope.inventory/1","collectedAt":"2026-11-20T09:15:00Z","collector":"exscope demo (simulated)",
         "organization":{"name":"Contoso (demo sample)","guid":"\(guid)"},
         "servers":[\(server("EX01")),\(server("EX02"))],
         "authConfig":{"currentCertificateThumbprint":"\(thumbprint)","nextCertificateThumbprint":null,"nextCertificateEffectiveDate":null,
                       "previousCertificateThumbprint":null,"realm":"","serviceName":"\(HybridIdentifiers.exchangeOnlineAppId)"},
         "authCertificates":[{"thumbprint":"\(thumbprint)","subject":"CN=Microsoft Exchange Server Auth Certificate",
                              "notBefore":"2023-03-15T10:12:00Z","notAfter":"2028-03-14T10:12:00Z","server":"EX01"}],
         "authServers":[{"name":"EvoSts - \(guid)","type":"AzureAD","realm":"\(MockGraphTenant.defaultTenantId)",
                         "applicationIdentifier":"\(MockGraphTenant.dedicatedAppId)","enabled":true,"domainName":["contoso.com"]}],
         "partnerApplications":[{"name":"Exchange Online","applicationIdentifier":"\(HybridIdentifiers.exchangeOnlineAppId)","realm":"","enabled":true}],
         "settingOverrides":[{"name":"EnableExchangeHybrid3PAppFeature","componentName":"Global","sectionName":"ExchangeOnpremAsThirdPartyAppId",
                              "parameters":["Enabled=true"],"server":[]}],
         "hybridConfiguration":{"features":["FreeBusy","Mailtips","Photos"],"domains":["contoso.com"]},
         "intraOrganizationConnectors":[{"name":"HybridIOC - \(guid)","enabled":true,
                                         "discoveryEndpoint":"https://autodiscover-s.outlook.com/autodiscover/autodiscover.svc"}],
         "organizationRelationships":[]}
        """
    }()
}
