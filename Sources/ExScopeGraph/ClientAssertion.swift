import Crypto
import _CryptoExtras
import SwiftASN1
import Foundation

/// The RS256 client assertion Entra accepts instead of a client secret.
///
/// Header `{"alg":"RS256","typ":"JWT","x5t":<base64url SHA-1 of the certificate>}`; claims
/// `aud` (the token URL), `iss` = `sub` = client id, `jti`, `nbf`, `iat`, `exp` (10 minutes).
public enum ClientAssertion {
    /// Builds and signs an assertion.
    /// - Parameters:
    ///   - certificateDER: the certificate uploaded to the app registration.
    ///   - privateKeyPEM: its RSA private key (`PRIVATE KEY` or `RSA PRIVATE KEY` PEM).
    ///   - now: seconds since 1970 (passed in so tests are repeatable).
    /// - Throws: ``GraphError`` `.configuration` for an unusable key.
    public static func make(clientId: String, tokenURL: String, certificateDER: [UInt8], privateKeyPEM: Secret, now: Int64, jti: String) throws -> String {
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM.reveal())
        } catch {
            throw GraphError(.configuration, "the private key is not an RSA key in PEM form")
        }
        let header = #"{"alg":"RS256","typ":"JWT","x5t":"\#(base64URL(thumbprintBytes(certificateDER)))"}"#
        let claims = #"{"aud":"\#(tokenURL)","iss":"\#(clientId)","sub":"\#(clientId)","jti":"\#(jti)","nbf":\#(now - 60),"iat":\#(now),"exp":\#(now + 600)}"#
        let signingInput = base64URL(Array(header.utf8)) + "." + base64URL(Array(claims.utf8))
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: SHA256.hash(data: Array(signingInput.utf8)), padding: .insecurePKCS1v1_5)
        } catch {
            throw GraphError(.configuration, "could not sign the client assertion with the private key")
        }
        return signingInput + "." + base64URL(Array(signature.rawRepresentation))
    }

    /// SHA-1 of the DER certificate (the thumbprint Entra matches `x5t` against).
    public static func thumbprintBytes(_ der: [UInt8]) -> [UInt8] { Array(Insecure.SHA1.hash(data: der)) }

    /// The upper-case hex thumbprint.
    public static func thumbprint(_ der: [UInt8]) -> String {
        thumbprintBytes(der).map { String($0, radix: 16, uppercase: true).leftPadded(2) }.joined()
    }

    /// Reads the first `CERTIFICATE` block of a PEM file.
    public static func certificateDER(fromPEM text: String) throws -> [UInt8] {
        for block in pemBlocks(text) {
            if let document = try? PEMDocument(pemString: block), document.discriminator == "CERTIFICATE" {
                return document.derBytes
            }
        }
        throw GraphError(.configuration, "no CERTIFICATE block in the certificate file")
    }

    /// Reads the first private key block of a PEM file (which may also hold the certificate).
    public static func privateKeyPEM(fromPEM text: String) throws -> Secret {
        for block in pemBlocks(text) where block.contains("PRIVATE KEY-----") {
            return Secret(block)
        }
        throw GraphError(.configuration, "no PRIVATE KEY block in the key file")
    }

    static func pemBlocks(_ text: String) -> [String] {
        var blocks: [String] = []
        var current: [Substring] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("-----BEGIN ") { current = [Substring(trimmed)]; continue }
            guard !current.isEmpty else { continue }
            current.append(Substring(trimmed))
            if trimmed.hasPrefix("-----END ") {
                blocks.append(current.joined(separator: "\n"))
                current = []
            }
        }
        return blocks
    }

    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
