public import Foundation
public import NIOSSL
import Crypto
import NIOCore
import _CryptoExtras
import SwiftASN1
import Synchronization
import X509

/// The key type of a generated certificate.
public enum SimulatedKeyAlgorithm: String, Sendable, Hashable, Codable {
    /// ECDSA P-256: cheap to generate and to handshake with (the default for single fake servers).
    case p256
    /// RSA-2048, what Exchange and most public CAs issue (the fleet simulator's default); each
    /// handshake costs the server a private-key operation (about 0.6 ms of CPU here).
    case rsa2048
}

/// What a generated TLS certificate says about itself.
///
/// Every field is attacker-controlled from a scanner's point of view: the
/// simulator puts script payloads in some of them on purpose.
public struct CertificateSpec: Sendable, Hashable, Codable {
    /// 2024-01-15T00:00:00Z.
    public static let defaultNotValidBefore = Date(timeIntervalSince1970: 1_705_276_800)
    /// 2029-01-15T00:00:00Z.
    public static let defaultNotValidAfter = Date(timeIntervalSince1970: 1_863_129_600)

    /// The subject common name.
    public var commonName: String
    /// DNS names for the subject alternative name extension.
    public var subjectAlternativeNames: [String]
    /// The issuer common name; `nil` means self-issued (issuer = subject).
    public var issuerCommonName: String?
    /// The issuer organisation, if any (e.g. `DigiCert Inc`).
    public var issuerOrganization: String?
    /// Start of validity.
    public var notValidBefore: Date
    /// End of validity.
    public var notValidAfter: Date
    /// The key type.
    public var keyAlgorithm: SimulatedKeyAlgorithm

    /// Creates a certificate description.
    /// - Parameters:
    ///   - commonName: the subject CN.
    ///   - subjectAlternativeNames: DNS SANs.
    ///   - issuerCommonName: issuer CN; `nil` for a self-issued certificate.
    ///   - issuerOrganization: issuer O, if any.
    ///   - notValidBefore: start of validity (default: 2024-01-15, fixed so equal specs hit the cache).
    ///   - notValidAfter: end of validity (default: 2029-01-15, five years, like Exchange's own certificate).
    ///   - keyAlgorithm: P-256 by default.
    public init(
        commonName: String,
        subjectAlternativeNames: [String] = [],
        issuerCommonName: String? = nil,
        issuerOrganization: String? = nil,
        notValidBefore: Date = CertificateSpec.defaultNotValidBefore,
        notValidAfter: Date = CertificateSpec.defaultNotValidAfter,
        keyAlgorithm: SimulatedKeyAlgorithm = .p256
    ) {
        self.commonName = commonName
        self.subjectAlternativeNames = subjectAlternativeNames
        self.issuerCommonName = issuerCommonName
        self.issuerOrganization = issuerOrganization
        self.notValidBefore = notValidBefore
        self.notValidAfter = notValidAfter
        self.keyAlgorithm = keyAlgorithm
    }
}

/// A generated certificate and its private key, ready for NIOSSL.
public struct SimulatedCertificate: Sendable {
    /// What the certificate was made from.
    public let spec: CertificateSpec
    /// The certificate, DER.
    public let derBytes: [UInt8]
    /// The private key, PEM (PKCS#8).
    public let privateKeyPEM: String

    /// The certificate as NIOSSL loads it.
    /// - Throws: NIOSSL errors if the bytes do not load (they always should).
    public func nioCertificate() throws -> NIOSSLCertificate {
        try NIOSSLCertificate(bytes: derBytes, format: .der)
    }

    /// The private key as NIOSSL loads it.
    /// - Throws: NIOSSL errors if the key does not load (it always should).
    public func nioPrivateKey() throws -> NIOSSLPrivateKey {
        try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
    }
}

/// Makes self-signed certificates at run time and caches them, their keys and
/// their NIOSSL server configurations, so that thousands of simulated hosts cost a
/// handful of key generations.
///
/// One key per ``SimulatedKeyAlgorithm`` is generated per factory and reused for
/// every certificate (a scanner sees distinct certificates; nobody checks that
/// keys differ). Certificates and configurations are cached by ``CertificateSpec``.
///
/// ```swift
/// let factory = CertificateFactory()
/// let context = try NIOSSLContext(configuration: factory.serverConfiguration(for: CertificateSpec(commonName: "EX19-01")))
/// ```
public final class CertificateFactory: Sendable {
    private struct State {
        var p256: P256.Signing.PrivateKey?
        var rsa: _RSA.Signing.PrivateKey?
        var certificates: [CertificateSpec: SimulatedCertificate] = [:]
        var configurations: [CertificateSpec: TLSConfiguration] = [:]
    }

    private let state = Mutex(State())

    /// Creates an empty factory; keys are generated on first use.
    public init() {}

    /// A process-wide factory, so repeated fleets in one test run share keys.
    public static let shared = CertificateFactory()

    /// Returns the certificate for `spec`, generating it on first use.
    /// - Throws: swift-certificates or swift-crypto errors (key generation, signing, DER).
    public func certificate(for spec: CertificateSpec) throws -> SimulatedCertificate {
        if let cached = state.withLock({ $0.certificates[spec] }) { return cached }
        let key = try privateKey(for: spec.keyAlgorithm)
        let made = try Self.make(spec: spec, key: key)
        return state.withLock { state in
            if let raced = state.certificates[spec] { return raced }
            state.certificates[spec] = made
            return made
        }
    }

    /// The TLS server configuration presenting the certificate for `spec`: client certificates are not
    /// verified, TLS 1.2 and 1.3 are offered. The simulator makes a context from it per connection.
    /// - Throws: generation errors.
    public func serverConfiguration(for spec: CertificateSpec) throws -> TLSConfiguration {
        if let cached = state.withLock({ $0.configurations[spec] }) { return cached }
        let certificate = try certificate(for: spec)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try certificate.nioCertificate())],
            privateKey: .privateKey(try certificate.nioPrivateKey())
        )
        configuration.minimumTLSVersion = .tlsv12
        // A hanging client must not keep a closing connection alive for long.
        configuration.shutdownTimeout = .seconds(2)
        return state.withLock { state in
            if let raced = state.configurations[spec] { return raced }
            state.configurations[spec] = configuration
            return configuration
        }
    }

    /// How many distinct certificates this factory has made so far.
    public var certificateCount: Int { state.withLock { $0.certificates.count } }

    private func privateKey(for algorithm: SimulatedKeyAlgorithm) throws -> Certificate.PrivateKey {
        switch algorithm {
        case .p256:
            return state.withLock { state in
                if let key = state.p256 { return Certificate.PrivateKey(key) }
                let key = P256.Signing.PrivateKey()
                state.p256 = key
                return Certificate.PrivateKey(key)
            }
        case .rsa2048:
            if let key = state.withLock({ $0.rsa }) { return Certificate.PrivateKey(key) }
            // Generated outside the lock: RSA generation takes tens of milliseconds.
            let fresh = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            return state.withLock { state in
                if let key = state.rsa { return Certificate.PrivateKey(key) }
                state.rsa = fresh
                return Certificate.PrivateKey(fresh)
            }
        }
    }

    private static func make(spec: CertificateSpec, key: Certificate.PrivateKey) throws -> SimulatedCertificate {
        let subject = try DistinguishedName {
            CommonName(spec.commonName)
        }
        let issuer: DistinguishedName
        if let issuerCN = spec.issuerCommonName {
            if let organization = spec.issuerOrganization {
                issuer = try DistinguishedName {
                    CountryName("US")
                    OrganizationName(organization)
                    CommonName(issuerCN)
                }
            } else {
                issuer = try DistinguishedName { CommonName(issuerCN) }
            }
        } else {
            issuer = subject
        }
        let sans = spec.subjectAlternativeNames.map { GeneralName.dnsName($0) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            KeyUsage(digitalSignature: true, keyEncipherment: spec.keyAlgorithm == .rsa2048)
            try ExtendedKeyUsage([.serverAuth])
            if !sans.isEmpty {
                SubjectAlternativeNames(sans)
            }
        }
        let signatureAlgorithm: Certificate.SignatureAlgorithm =
            spec.keyAlgorithm == .p256 ? .ecdsaWithSHA256 : .sha256WithRSAEncryption
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: spec.notValidBefore,
            notValidAfter: spec.notValidAfter,
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: signatureAlgorithm,
            extensions: extensions,
            issuerPrivateKey: key
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        let pem = try key.serializeAsPEM().pemString
        return SimulatedCertificate(spec: spec, derBytes: serializer.serializedBytes, privateKeyPEM: pem)
    }
}
