import ArgumentParser
import ExScopeCore
import ExScopeGraph
import Foundation

/// How to reach Microsoft Graph. Secrets are read from files or environment variables, never
/// from the command line (which other users can see in the process list).
struct GraphOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Entra tenant id or domain (client credentials and device code).", valueName: "tenant"))
    var tenant: String?

    @Option(name: .customLong("client-id"), help: ArgumentHelp("App registration (client) id.", valueName: "id"))
    var clientId: String?

    @Option(name: .customLong("client-secret-env"), help: ArgumentHelp("Read the client secret from this environment variable.", valueName: "name"))
    var clientSecretEnv: String?

    @Option(name: .customLong("client-secret-file"), help: ArgumentHelp("Read the client secret from this file.", valueName: "file"))
    var clientSecretFile: String?

    @Option(help: ArgumentHelp("Certificate (PEM) registered on the app, for a signed client assertion.", valueName: "file"))
    var certificate: String?

    @Option(name: .customLong("private-key"), help: ArgumentHelp("The certificate's RSA private key (PEM); default: the certificate file.", valueName: "file"))
    var privateKey: String?

    @Flag(name: .customLong("device-code"), help: "Sign in interactively with the device-code flow (an admin's one-off run).")
    var deviceCode = false

    @Option(name: .customLong("token-file"), help: ArgumentHelp("Read a Graph bearer token from this file.", valueName: "file"))
    var tokenFile: String?

    @Option(name: .customLong("token-env"), help: ArgumentHelp("Read a Graph bearer token from this environment variable.", valueName: "name"))
    var tokenEnv: String?

    @Option(help: ArgumentHelp("Cloud: Global, USGovernmentL4, USGovernmentL5, ChinaCloud, BleuCloud, DelosCloud.", valueName: "cloud"))
    var cloud: String = "Global"

    @Option(name: .customLong("login-endpoint"), help: ArgumentHelp("Override the sign-in base URL.", valueName: "url"))
    var loginEndpoint: String?

    @Option(name: .customLong("graph-endpoint"), help: ArgumentHelp("Override the Graph base URL.", valueName: "url"))
    var graphEndpoint: String?

    @Option(name: .customLong("max-retry-wait"), parsing: .unconditional, help: ArgumentHelp("Longest Retry-After (seconds) honoured on 429/503.", valueName: "seconds"))
    var maxRetryWait: Int = 60

    func validate() throws {
        guard GraphEnvironment.Cloud(rawValue: cloud) != nil else {
            throw ValidationError("--cloud '\(cloud)' is not one of \(GraphEnvironment.Cloud.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let ways = [clientSecretEnv != nil || clientSecretFile != nil, certificate != nil, deviceCode, tokenFile != nil || tokenEnv != nil].filter { $0 }.count
        if ways > 1 { throw ValidationError("choose one way to sign in: a client secret, a certificate, --device-code, or a token") }
        if (clientSecretEnv != nil || clientSecretFile != nil || certificate != nil) && (tenant == nil || clientId == nil) {
            throw ValidationError("a client secret or certificate needs --tenant and --client-id")
        }
        if deviceCode && tenant == nil { throw ValidationError("--device-code needs --tenant") }
        for url in [loginEndpoint, graphEndpoint].compactMap({ $0 }) where !(url.lowercased().hasPrefix("https://") || Self.isLoopbackHTTP(url)) {
            throw ValidationError("endpoint '\(url)' must be https (plain http only for loopback test servers: 127.0.0.0/8, ::1, localhost)")
        }
        if maxRetryWait < 0 { throw ValidationError("--max-retry-wait must be 0 or more seconds") }
    }

    /// Whether `text` is a plain-http URL whose host is a loopback address (127.0.0.0/8, ::1) or `localhost`
    /// and nothing else (not `127.example.org`, not `localhost.example.org`).
    static func isLoopbackHTTP(_ text: String) -> Bool {
        guard let url = URL(string: text), url.scheme?.lowercased() == "http", let host = url.host else { return false }
        return IPAddress.isLoopbackHost(host)
    }

    /// Whether any way to sign in was given.
    var isConfigured: Bool {
        clientSecretEnv != nil || clientSecretFile != nil || certificate != nil || deviceCode || tokenFile != nil || tokenEnv != nil
    }

    var environment: GraphEnvironment {
        GraphEnvironment(cloud: GraphEnvironment.Cloud(rawValue: cloud) ?? .global, loginEndpoint: loginEndpoint, graphEndpoint: graphEndpoint)
    }

    func credential() throws -> GraphCredential {
        if let tokenEnv {
            guard let value = ProcessInfo.processInfo.environment[tokenEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw ExScopeFailure.badInput("environment variable \(tokenEnv) is empty or not set")
            }
            return .bearer(Secret(value))
        }
        if let tokenFile { return .bearer(Secret(try Self.readSecret(tokenFile, what: "token"))) }
        guard let tenant, let clientId else {
            if deviceCode, let tenant { return .deviceCode(tenant: tenant, clientId: GraphCredential.defaultPublicClientId) }
            throw ExScopeFailure.badInput("give --tenant and --client-id with a secret or certificate, --device-code, or --token-file/--token-env")
        }
        if let clientSecretEnv {
            // Trimmed as a secret file is: `export SECRET=$(cat file)` keeps no newline, other ways may.
            guard let value = ProcessInfo.processInfo.environment[clientSecretEnv]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
                throw ExScopeFailure.badInput("environment variable \(clientSecretEnv) is empty or not set")
            }
            return .clientSecret(tenant: tenant, clientId: clientId, secret: Secret(value))
        }
        if let clientSecretFile { return .clientSecret(tenant: tenant, clientId: clientId, secret: Secret(try Self.readSecret(clientSecretFile, what: "client secret"))) }
        if let certificate {
            do {
                let certificateText = try String(contentsOfFile: certificate, encoding: .utf8)
                let keyText = try privateKey.map { try String(contentsOfFile: $0, encoding: .utf8) } ?? certificateText
                return .certificate(tenant: tenant, clientId: clientId, certificateDER: try ClientAssertion.certificateDER(fromPEM: certificateText),
                                    privateKeyPEM: try ClientAssertion.privateKeyPEM(fromPEM: keyText))
            } catch let error as GraphError {
                throw ExScopeFailure.badInput(error.message)
            } catch {
                throw ExScopeFailure.badInput("cannot read the certificate or key file")
            }
        }
        return .deviceCode(tenant: tenant, clientId: clientId)
    }

    static func readSecret(_ path: String, what: String) throws -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ExScopeFailure.badInput("cannot read the \(what) file \(path)")
        }
        let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw ExScopeFailure.badInput("the \(what) file \(path) is empty") }
        return value
    }

    /// A client for these options.
    func client() throws -> GraphClient {
        var limits = GraphClient.Limits()
        limits.maximumRetryAfter = .seconds(maxRetryWait)
        return GraphClient(credential: try credential(), environment: environment, limits: limits, deviceCodePrompt: { message in
            Terminal.error(message, prefix: false)
        })
    }
}

/// Options shared by the organisation commands.
struct OrganisationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Inventory: the collector's JSON, HealthChecker -VulnerabilityReport JSON, or a CSV of server name and build.", valueName: "file"))
    var inventory: String?

    @Option(help: ArgumentHelp("Judge as of this instant (ISO 8601, UTC); default: now.", valueName: "time"))
    var now: String?

    func validate() throws {
        if let now, Timestamp(iso8601: now) == nil { throw ValidationError("--now '\(now)' is not an ISO 8601 time like 2026-11-27T12:00:00Z") }
    }

    var instant: Timestamp {
        if let now, let parsed = Timestamp(iso8601: now) { return parsed }
        return Timestamp(secondsSinceEpoch: Int64(Date().timeIntervalSince1970))
    }

    func loadInventory() throws -> Inventory? {
        guard let inventory else { return nil }
        guard let data = FileManager.default.contents(atPath: inventory) else {
            throw ExScopeFailure.badInput("cannot read inventory \(inventory)")
        }
        do {
            return try InventoryReader.read(Array(data))
        } catch {
            throw ExScopeFailure.badInput("inventory \(inventory): \(error.reason)")
        }
    }
}

/// Maps Graph errors to the CLI's one-line failures (exit 3: the run failed).
func graphFailure(_ error: any Error) -> any Error {
    if let error = error as? GraphError {
        // A configuration error is ExScope's input (a key file, a backup), not Graph's answer.
        return error.code == .configuration ? ExScopeFailure.badInput(error.message) : ExScopeFailure.runFailure("Graph: \(error.message)")
    }
    return error
}
