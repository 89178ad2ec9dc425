/// Directory audit events in Graph's shape, for the mock tenants and hunt tests.
public enum MockAudits {
    /// A foreign key added to the shared principal, en dash in the activity name.
    public static let foreignKeyAdded = """
    {"id":"Directory_8c0c_1","category":"ApplicationManagement","result":"success","activityDisplayName":"Update application \u{2013} Certificates and secrets management","activityDateTime":"2026-09-01T21:20:02.7215374Z","loggedByService":"Core Directory","operationType":"Update","initiatedBy":{"user":{"id":"728309ae","displayName":null,"userPrincipalName":"svc-sync@contoso.com","ipAddress":"203.0.113.8"},"app":null},"targetResources":[{"id":"f724f499-b1fc-4915-b3c1-f0a219aa18ab","displayName":"Office 365 Exchange Online","Type":"ServicePrincipal","modifiedProperties":[{"displayName":"KeyDescription","oldValue":"[\\"[KeyIdentifier=f020b4e8-be3a-4a5e-926f-fa24b14ef865,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=Microsoft Exchange Server Auth Certificate]\\"]","newValue":"[\\"[KeyIdentifier=f020b4e8-be3a-4a5e-926f-fa24b14ef865,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=Microsoft Exchange Server Auth Certificate]\\",\\"[KeyIdentifier=9e7d5c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f,KeyType=AsymmetricX509Cert,KeyUsage=Verify,DisplayName=CN=evil]\\"]"},{"displayName":"Included Updated Properties","oldValue":null,"newValue":"\\"KeyDescription\\""}]}],"additionalDetails":[{"key":"User-Agent","value":"python-requests/2.31"},{"key":"AppId","value":"00000002-0000-0ff1-ce00-000000000000"}]}
    """

    /// full_access_as_app granted to a third-party app.
    public static let backupConsent = """
    {"id":"Directory_8c0c_2","category":"ApplicationManagement","result":"success","activityDisplayName":"Consent to application","activityDateTime":"2026-09-02T08:00:00Z","initiatedBy":{"user":{"userPrincipalName":"admin@contoso.com","ipAddress":"198.51.100.7"}},"targetResources":[{"id":"aaaa3333-0000-4000-8000-000000000003","displayName":"Contoso Mail Backup","type":"ServicePrincipal","modifiedProperties":[{"displayName":"ConsentAction.Permissions","oldValue":"","newValue":"[] => [[Id: x, ClientId: aaaa3333, ResourceId: f724f499, ConsentType: AllPrincipals, Scope: full_access_as_app]]"}]}],"additionalDetails":[]}
    """

    /// The dedicated app's own consent: expected, not a finding.
    public static let dedicatedConsent = """
    {"id":"Directory_8c0c_3","category":"ApplicationManagement","result":"success","activityDisplayName":"Add app role assignment to service principal","activityDateTime":"2025-08-08T10:47:31Z","initiatedBy":{"user":{"userPrincipalName":"admin@contoso.com","ipAddress":"198.51.100.7"}},"targetResources":[{"id":"41d02381-b3db-4c72-bbbc-09c350c11111","displayName":"ExchangeServerApp-0626ac82-7d72-41c7-9e9b-720b27611111","type":"ServicePrincipal","modifiedProperties":[{"displayName":"AppRole.Id","oldValue":null,"newValue":"\\"dc890d15-9560-4a4c-9b7f-a736ec74ec40\\""}]}],"additionalDetails":[]}
    """
}

/// Sign-in events in the beta `auditLogs/signIns` shape (service-principal sign-ins exist only in beta),
/// for the mock tenants and hunt tests.
public enum MockSignIns {
    /// The shared Exchange Online principal signing in with the foreign key's certificate: the abuse to report.
    public static let foreignKey = """
    {"id":"66ea54eb-6301-4ee5-be62-ff5a759b0100","createdDateTime":"2026-09-01T21:31:10Z","appDisplayName":"Office 365 Exchange Online","appId":"00000002-0000-0ff1-ce00-000000000000","ipAddress":"203.0.113.8","clientAppUsed":null,"correlationId":"c1d2e3f4-0000-4000-8000-000000000001","isInteractive":false,"resourceDisplayName":"Office 365 Exchange Online","resourceId":"00000002-0000-0ff1-ce00-000000000000","resourceServicePrincipalId":"f724f499-b1fc-4915-b3c1-f0a219aa18ab","servicePrincipalId":"f724f499-b1fc-4915-b3c1-f0a219aa18ab","servicePrincipalName":"Office 365 Exchange Online","servicePrincipalCredentialKeyId":"9e7d5c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f","servicePrincipalCredentialThumbprint":"DEADBEEF00112233445566778899AABBCCDDEEFF","clientCredentialType":"clientAssertion","signInEventTypes":["servicePrincipal"],"userPrincipalName":null,"userId":"","status":{"errorCode":0,"failureReason":null,"additionalDetails":null},"location":{"city":"Amsterdam","state":"Noord-Holland","countryOrRegion":"NL","geoCoordinates":null},"tokenIssuerType":"AzureAD","authenticationProtocol":"none"}
    """

    /// A failed attempt with the same key (AADSTS700027, as after a clean-up removed it).
    public static let foreignKeyRejected = """
    {"id":"66ea54eb-6301-4ee5-be62-ff5a759b0101","createdDateTime":"2026-09-01T21:29:55Z","appDisplayName":"Office 365 Exchange Online","appId":"00000002-0000-0ff1-ce00-000000000000","ipAddress":"203.0.113.8","resourceDisplayName":"Microsoft Graph","resourceId":"00000003-0000-0000-c000-000000000000","servicePrincipalId":"f724f499-b1fc-4915-b3c1-f0a219aa18ab","servicePrincipalName":"Office 365 Exchange Online","servicePrincipalCredentialKeyId":"9e7d5c3b-1a2b-4c5d-8e9f-0a1b2c3d4e5f","servicePrincipalCredentialThumbprint":"DEADBEEF00112233445566778899AABBCCDDEEFF","clientCredentialType":"certificate","signInEventTypes":["servicePrincipal"],"status":{"errorCode":700027,"failureReason":"Client assertion failed signature validation."},"location":{"city":"Amsterdam","countryOrRegion":"NL"}}
    """

    /// The dedicated hybrid app signing in with the on-premises auth certificate: expected.
    public static let dedicatedApp = """
    {"id":"0f3a1b2c-0000-4000-8000-000000000010","createdDateTime":"2026-11-26T08:00:03Z","appDisplayName":"ExchangeServerApp-0626ac82-7d72-41c7-9e9b-720b27611111","appId":"f280f262-fda1-41b5-8bb0-d917ac011111","ipAddress":"198.51.100.20","resourceDisplayName":"Office 365 Exchange Online","resourceId":"00000002-0000-0ff1-ce00-000000000000","servicePrincipalId":"41d02381-b3db-4c72-bbbc-09c350c11111","servicePrincipalName":"ExchangeServerApp-0626ac82-7d72-41c7-9e9b-720b27611111","servicePrincipalCredentialKeyId":"c83c7a52-e7c7-4a57-a9f9-a233ffc11111","servicePrincipalCredentialThumbprint":"C3EDCF181EF4F9B53D01768ECA99564014BCA6E7","clientCredentialType":"clientAssertion","signInEventTypes":["servicePrincipal"],"status":{"errorCode":0},"location":{"city":"Seattle","countryOrRegion":"US"}}
    """

    /// A user opening Outlook on the web: the same appId as the shared principal, but no key. Not a finding.
    public static let outlookOnTheWeb = """
    {"id":"7a8b9c0d-0000-4000-8000-000000000020","createdDateTime":"2026-11-26T09:12:44Z","appDisplayName":"Office 365 Exchange Online","appId":"00000002-0000-0ff1-ce00-000000000000","ipAddress":"198.51.100.77","resourceDisplayName":"Office 365 Exchange Online","resourceId":"00000002-0000-0ff1-ce00-000000000000","userPrincipalName":"alice@contoso.com","userDisplayName":"Alice","isInteractive":true,"clientCredentialType":"none","servicePrincipalId":"","servicePrincipalCredentialKeyId":"","servicePrincipalCredentialThumbprint":"","signInEventTypes":["interactiveUser"],"status":{"errorCode":0},"location":{"city":"Seattle","countryOrRegion":"US"}}
    """
}
