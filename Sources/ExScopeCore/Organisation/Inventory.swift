/// What ExScope knows about an on-premises Exchange organisation.
///
/// It comes from one of three files: the ExScope collector (`collector/Get-ExScopeInventory.ps1`,
/// schema `exscope.inventory/1`, see `schemas/inventory-v1.schema.json`), HealthChecker's
/// `-VulnerabilityReport` JSON, or a CSV of server name and build. Only the collector's file
/// carries the organisation's hybrid configuration; with the other two those checks are `unknown`.
public struct Inventory: Sendable, Hashable, Codable {
    /// The schema name and version the collector writes.
    public static let schemaID = "exscope.inventory/1"

    /// Where an inventory came from.
    public enum Source: String, Sendable, Hashable, Codable {
        /// ExScope's collector: servers and the hybrid configuration.
        case collector
        /// HealthChecker `-VulnerabilityReport`: servers and builds only.
        case healthChecker = "healthchecker"
        /// A CSV of server name and build.
        case csv
    }

    public var schema: String
    public var source: Source
    /// When the collector ran, when it says so.
    public var collectedAt: Timestamp?
    /// `Get-OrganizationConfig` `Name`, or HealthChecker's organisation DN.
    public var organizationName: String?
    /// `Get-OrganizationConfig` `Guid` (the `<GUID>` in `ExchangeServerApp-<GUID>`), lower case.
    public var organizationGuid: String?
    public var servers: [InventoryServer]
    /// `Get-AuthConfig`; `nil` when the source does not carry it.
    public var authConfig: AuthConfig?
    /// The certificates `Get-AuthConfig` names, as `Get-ExchangeCertificate` shows them.
    public var authCertificates: [AuthCertificate]
    public var authServers: [AuthServer]
    public var partnerApplications: [PartnerApplication]
    public var settingOverrides: [SettingOverride]
    /// `Get-HybridConfiguration`; `nil` when there is none (or the source does not say).
    public var hybridConfiguration: HybridConfiguration?
    public var intraOrganizationConnectors: [IntraOrganizationConnector]
    public var organizationRelationships: [OrganizationRelationship]

    /// Whether the source carries the organisation's configuration (only the collector does).
    public var hasOrganizationConfiguration: Bool { source == .collector }

    public init(
        source: Source, collectedAt: Timestamp? = nil, organizationName: String? = nil, organizationGuid: String? = nil,
        servers: [InventoryServer], authConfig: AuthConfig? = nil, authCertificates: [AuthCertificate] = [],
        authServers: [AuthServer] = [], partnerApplications: [PartnerApplication] = [], settingOverrides: [SettingOverride] = [],
        hybridConfiguration: HybridConfiguration? = nil, intraOrganizationConnectors: [IntraOrganizationConnector] = [],
        organizationRelationships: [OrganizationRelationship] = []
    ) {
        self.schema = Self.schemaID
        self.source = source
        self.collectedAt = collectedAt
        self.organizationName = organizationName
        self.organizationGuid = organizationGuid
        self.servers = servers
        self.authConfig = authConfig
        self.authCertificates = authCertificates
        self.authServers = authServers
        self.partnerApplications = partnerApplications
        self.settingOverrides = settingOverrides
        self.hybridConfiguration = hybridConfiguration
        self.intraOrganizationConnectors = intraOrganizationConnectors
        self.organizationRelationships = organizationRelationships
    }

    enum CodingKeys: String, CodingKey {
        case schema, source, collectedAt, organization, servers, authConfig, authCertificates, authServers, partnerApplications
        case settingOverrides, hybridConfiguration, intraOrganizationConnectors, organizationRelationships
    }

    struct Organization: Codable {
        var name: String?
        var guid: String?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        source = try c.decodeIfPresent(Source.self, forKey: .source) ?? .collector
        collectedAt = try c.decodeIfPresent(Timestamp.self, forKey: .collectedAt)
        let organization = try c.decodeIfPresent(Organization.self, forKey: .organization)
        organizationName = organization?.name
        organizationGuid = organization?.guid
        servers = try c.decodeList(InventoryServer.self, forKey: .servers)
        authConfig = try c.decodeIfPresent(AuthConfig.self, forKey: .authConfig)
        authCertificates = try c.decodeList(AuthCertificate.self, forKey: .authCertificates)
        authServers = try c.decodeList(AuthServer.self, forKey: .authServers)
        partnerApplications = try c.decodeList(PartnerApplication.self, forKey: .partnerApplications)
        settingOverrides = try c.decodeList(SettingOverride.self, forKey: .settingOverrides)
        hybridConfiguration = try c.decodeIfPresent(HybridConfiguration.self, forKey: .hybridConfiguration)
        intraOrganizationConnectors = try c.decodeList(IntraOrganizationConnector.self, forKey: .intraOrganizationConnectors)
        organizationRelationships = try c.decodeList(OrganizationRelationship.self, forKey: .organizationRelationships)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(source, forKey: .source)
        try c.encodeIfPresent(collectedAt, forKey: .collectedAt)
        try c.encode(Organization(name: organizationName, guid: organizationGuid), forKey: .organization)
        try c.encode(servers, forKey: .servers)
        try c.encodeIfPresent(authConfig, forKey: .authConfig)
        try c.encode(authCertificates, forKey: .authCertificates)
        try c.encode(authServers, forKey: .authServers)
        try c.encode(partnerApplications, forKey: .partnerApplications)
        try c.encode(settingOverrides, forKey: .settingOverrides)
        try c.encodeIfPresent(hybridConfiguration, forKey: .hybridConfiguration)
        try c.encode(intraOrganizationConnectors, forKey: .intraOrganizationConnectors)
        try c.encode(organizationRelationships, forKey: .organizationRelationships)
    }
}

/// One Exchange server (`Get-ExchangeServer` plus the ExSetup.exe file version).
public struct InventoryServer: Sendable, Hashable, Codable {
    public var name: String
    /// `ServerRole`, split: `Mailbox`, `ClientAccess`, `Edge`, …
    public var roles: [String]
    /// `IsEdgeServer`.
    public var isEdge: Bool
    /// ExSetup.exe's file version: the real build (AdminDisplayVersion does not move with SUs/HUs).
    public var exSetupVersion: String?
    /// `AdminDisplayVersion`, e.g. `Version 15.2 (Build 1748.10)`: names the CU only.
    public var adminDisplayVersion: String?
    /// `false` when the collector could not reach the server (HealthChecker's `Online`).
    public var online: Bool?

    public init(name: String, roles: [String] = [], isEdge: Bool = false, exSetupVersion: String?, adminDisplayVersion: String? = nil, online: Bool? = nil) {
        self.name = name
        self.roles = roles
        self.isEdge = isEdge
        self.exSetupVersion = exSetupVersion
        self.adminDisplayVersion = adminDisplayVersion
        self.online = online
    }

    /// The best build evidence: the file version, else AdminDisplayVersion (CU only).
    public var buildEvidence: String? { exSetupVersion ?? adminDisplayVersion }

    enum CodingKeys: String, CodingKey { case name, roles, isEdge, exSetupVersion, adminDisplayVersion, online }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        roles = try c.decodeList(String.self, forKey: .roles)
        isEdge = try c.decodeIfPresent(Bool.self, forKey: .isEdge) ?? false
        exSetupVersion = try c.decodeIfPresent(String.self, forKey: .exSetupVersion)
        adminDisplayVersion = try c.decodeIfPresent(String.self, forKey: .adminDisplayVersion)
        online = try c.decodeIfPresent(Bool.self, forKey: .online)
    }
}

/// `Get-AuthConfig`.
public struct AuthConfig: Sendable, Hashable, Codable {
    public var currentCertificateThumbprint: String?
    public var nextCertificateThumbprint: String?
    public var nextCertificateEffectiveDate: Timestamp?
    public var previousCertificateThumbprint: String?
    public var realm: String?
    public var serviceName: String?

    public init(currentCertificateThumbprint: String?, nextCertificateThumbprint: String? = nil, nextCertificateEffectiveDate: Timestamp? = nil,
                previousCertificateThumbprint: String? = nil, realm: String? = nil, serviceName: String? = nil) {
        self.currentCertificateThumbprint = currentCertificateThumbprint
        self.nextCertificateThumbprint = nextCertificateThumbprint
        self.nextCertificateEffectiveDate = nextCertificateEffectiveDate
        self.previousCertificateThumbprint = previousCertificateThumbprint
        self.realm = realm
        self.serviceName = serviceName
    }
}

/// An auth certificate as `Get-ExchangeCertificate` shows it (public facts only).
public struct AuthCertificate: Sendable, Hashable, Codable {
    public var thumbprint: String
    public var subject: String?
    public var notBefore: Timestamp?
    public var notAfter: Timestamp?
    /// The server the certificate was read on.
    public var server: String?
}

/// `Get-AuthServer`.
public struct AuthServer: Sendable, Hashable, Codable {
    public var name: String
    /// `AzureAD` (EvoSTS) or `MicrosoftACS`.
    public var type: String?
    /// The tenant id.
    public var realm: String?
    /// The dedicated app's appId once `Set-AuthServer -ApplicationIdentifier` ran.
    public var applicationIdentifier: String?
    public var enabled: Bool
    public var domainName: [String]

    enum CodingKeys: String, CodingKey { case name, type, realm, applicationIdentifier, enabled, domainName }

    public init(name: String, type: String?, realm: String?, applicationIdentifier: String?, enabled: Bool, domainName: [String] = []) {
        self.name = name
        self.type = type
        self.realm = realm
        self.applicationIdentifier = applicationIdentifier
        self.enabled = enabled
        self.domainName = domainName
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        type = try c.decodeIfPresent(String.self, forKey: .type)
        realm = try c.decodeIfPresent(String.self, forKey: .realm)
        applicationIdentifier = try c.decodeIfPresent(String.self, forKey: .applicationIdentifier)
        enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? false
        domainName = try c.decodeList(String.self, forKey: .domainName)
    }

    /// Whether this is the Entra (EvoSTS) auth server: `Type` AzureAD, or a name starting `EvoSts`.
    public var isEvoSTS: Bool {
        type?.lowercased() == "azuread" || name.lowercased().hasPrefix("evosts")
    }
}

/// `Get-PartnerApplication`.
public struct PartnerApplication: Sendable, Hashable, Codable {
    public var name: String
    public var applicationIdentifier: String?
    public var realm: String?
    public var enabled: Bool
}

/// `Get-SettingOverride`.
public struct SettingOverride: Sendable, Hashable, Codable {
    public var name: String
    public var componentName: String
    public var sectionName: String
    /// `Parameters`, e.g. `["Enabled=true"]`.
    public var parameters: [String]
    /// `Server`: empty means organisation-wide.
    public var server: [String]

    enum CodingKeys: String, CodingKey { case name, componentName, sectionName, parameters, server }

    public init(name: String, componentName: String, sectionName: String, parameters: [String], server: [String] = []) {
        self.name = name
        self.componentName = componentName
        self.sectionName = sectionName
        self.parameters = parameters
        self.server = server
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        componentName = try c.decode(String.self, forKey: .componentName)
        sectionName = try c.decode(String.self, forKey: .sectionName)
        parameters = try c.decodeList(String.self, forKey: .parameters)
        server = try c.decodeList(String.self, forKey: .server)
    }
}

/// `Get-HybridConfiguration`.
public struct HybridConfiguration: Sendable, Hashable, Codable {
    public var features: [String]
    public var domains: [String]

    enum CodingKeys: String, CodingKey { case features, domains }

    public init(features: [String], domains: [String]) {
        self.features = features
        self.domains = domains
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        features = try c.decodeList(String.self, forKey: .features)
        domains = try c.decodeList(String.self, forKey: .domains)
    }
}

/// `Get-IntraOrganizationConnector`.
public struct IntraOrganizationConnector: Sendable, Hashable, Codable {
    public var name: String
    public var enabled: Bool
    public var discoveryEndpoint: String?
}

/// `Get-OrganizationRelationship`.
public struct OrganizationRelationship: Sendable, Hashable, Codable {
    public var name: String
    public var enabled: Bool
    public var targetAutodiscoverEpr: String?
    public var targetSharingEpr: String?
}

extension KeyedDecodingContainer {
    /// Decodes a list that PowerShell's `ConvertTo-Json` may have written as `null`,
    /// a bare value (one-element arrays lose their brackets) or an array.
    func decodeList<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> [T] {
        guard contains(key), try !decodeNil(forKey: key) else { return [] }
        if let list = try? decode([T].self, forKey: key) { return list }
        return [try decode(T.self, forKey: key)]
    }
}
