/// Why a Graph or sign-in call failed. Equality compares the code only; `message` is for people
/// and never contains a secret or token (it passes through ``Redactor``).
public struct GraphError: Error, Hashable, CustomStringConvertible {
    /// The bounded classification (safe as a metric label or JSON value).
    public enum Code: String, Sendable, Hashable {
        /// Sign-in failed (an AADSTS error).
        case authentication
        /// 401: the token was refused or has expired.
        case unauthorized
        /// 403: the app lacks a permission.
        case forbidden
        /// 403: the tenant lacks the licence the data needs (sign-in logs need Entra ID P1 or P2).
        case licenceRequired = "licence-required"
        case notFound = "not-found"
        /// 429/503 beyond the retry budget.
        case throttled
        /// A response that is not the JSON Graph documents.
        case malformedResponse = "malformed-response"
        /// Another HTTP status.
        case httpStatus = "http-status"
        /// Could not connect, TLS failure, timeout.
        case transport
        /// A configuration problem (bad key file, bad URL).
        case configuration
    }

    public let code: Code
    public let message: String
    /// The AADSTS number, for `authentication`.
    public let aadsts: Int?
    /// The permission Graph wanted, for `forbidden`.
    public let missingPermission: String?

    public var description: String { message }

    init(_ code: Code, _ message: String, aadsts: Int? = nil, missingPermission: String? = nil) {
        self.code = code
        self.message = message
        self.aadsts = aadsts
        self.missingPermission = missingPermission
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// What an AADSTS code means and what to do about it.
    static func explain(aadsts code: Int) -> String? {
        switch code {
        case 7000215: "the client secret is wrong (use the secret's value, not its id)"
        case 7000222: "the client secret has expired; create a new one"
        case 700027: "the client assertion's signature does not verify: upload this certificate to the app registration"
        case 700024: "the client assertion is not within its valid time range: check this machine's clock"
        case 700016: "no app with this client id exists in the tenant (wrong tenant, or admin consent never granted)"
        case 90002: "the tenant does not exist; check --tenant"
        case 900023: "the tenant id or domain is malformed"
        case 70011: "the scope is invalid for this cloud"
        case 65001: "the app has no admin consent for the permissions it asks for"
        case 53003: "a Conditional Access policy blocked the sign-in"
        case 50076, 50079: "multi-factor authentication is required"
        case 70020: "the device code expired before anyone signed in"
        case 70000: "the sign-in was declined"
        case 50126: "invalid user name or password"
        case 7000112: "the app is disabled"
        case 500011: "the resource (Graph) is not available in this tenant's cloud: check --cloud"
        default: nil
        }
    }
}
