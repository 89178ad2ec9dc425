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
