/// How ExScope signs in to Entra. Least privilege: `Application.Read.All` for `assess` and the
/// clean-up's dry run, `Application.ReadWrite.All` for `hybrid cleanup --apply` (the shared principal
/// is not owned by the caller, so `Application.ReadWrite.OwnedBy` is not enough), `AuditLog.Read.All` for `hunt`.
public enum GraphCredential: Sendable {
    /// Client credentials with a client secret.
    case clientSecret(tenant: String, clientId: String, secret: Secret)
    /// Client credentials with a certificate: an RS256 client assertion with `x5t`.
    case certificate(tenant: String, clientId: String, certificateDER: [UInt8], privateKeyPEM: Secret)
    /// The device-code flow, for an admin's one-off interactive run (delegated permissions).
    case deviceCode(tenant: String, clientId: String)
    /// A ready bearer token (from a file or an environment variable). It cannot be renewed.
    case bearer(Secret)

    /// The well-known public client "Microsoft Graph Command Line Tools", used for device code by default.
    public static let defaultPublicClientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e"

    var tenant: String? {
        switch self {
        case .clientSecret(let tenant, _, _), .certificate(let tenant, _, _, _), .deviceCode(let tenant, _): tenant
        case .bearer: nil
        }
    }

    var secrets: [Secret] {
        switch self {
        case .clientSecret(_, _, let secret): [secret]
        case .certificate(_, _, _, let key): [key]
        case .deviceCode: []
        case .bearer(let token): [token]
        }
    }
}

/// The Graph permission each operation needs (application permissions; the same names as
/// delegated scopes for device code, where the signed-in admin also needs a fitting role).
public enum GraphPermission {
    /// Reading service principals, applications and app role assignments.
    public static let read = "Application.Read.All"
    /// Changing the shared service principal's keyCredentials.
    public static let write = "Application.ReadWrite.All"
    /// Reading directory audits and sign-in logs.
    public static let audit = "AuditLog.Read.All"
}
