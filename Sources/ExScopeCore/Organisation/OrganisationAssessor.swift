/// Turns an inventory and a tenant snapshot into the ED 25-02 report. Pure: the catalog and
/// the current instant are passed in.
///
/// ```swift
/// let report = OrganisationAssessor(catalog: catalog, now: now).assess(inventory: inventory, tenant: snapshot)
/// ```
public struct OrganisationAssessor: Sendable {
    /// The auth certificate must be valid for more than this many days.
    public static let authCertificateWarningDays = 60
    /// The first Exchange SE build with the Graph-based hybrid calls (May26HU).
    public static let seGraphBuild = BuildNumber(15, 2, 2562, 41)

    public let catalog: Catalog
    public let now: Timestamp

    public init(catalog: Catalog, now: Timestamp) {
        self.catalog = catalog
        self.now = now
    }

    /// Assesses the organisation.
    /// - Parameters:
    ///   - inventory: the on-premises inventory, if any.
    ///   - tenant: what was read from Entra, if anything.
    public func assess(inventory: Inventory?, tenant: TenantSnapshot?) -> AssessmentReport {
        let context = Context(assessor: self, inventory: inventory, tenant: tenant)
        var actions = [
            context.inventoryAction(),
            context.disconnectAction(),
            context.hotfixAction(),
            context.dedicatedAppAction(),
            context.overrideAction(),
            context.authServerAction(),
            context.cleanUpAction(),
            context.authCertificateAction(),
            context.seGraphAction(),
        ]
        actions.sort { ActionID.allCases.firstIndex(of: $0.id) ?? 0 < ActionID.allCases.firstIndex(of: $1.id) ?? 0 }
        let overall = ActionStatus.worst(actions.map(\.status))
        let compromise = actions.contains { $0.status == .compromiseSuspected }
        return AssessmentReport(
            schema: AssessmentReport.schemaID,
            generatedAt: now,
            asOf: now.date,
            catalogDate: catalog.date,
            organizationName: inventory?.organizationName,
            organizationGuid: inventory?.organizationGuid,
            tenantId: tenant?.tenantId ?? context.evoSTS.first?.realm,
            inventorySource: inventory?.source,
            tenantRead: tenant != nil,
            hybrid: context.hybrid,
            hybridEvidence: context.hybridEvidence,
            overall: overall,
            needsAction: actions.contains { $0.status.needsAction },
            actions: actions,
            servers: context.servers.map(\.summary),
            sharedPrincipal: context.sharedPrincipalReport,
            apps: context.appReports,
            warnings: context.warnings(),
            huntingSteps: compromise ? Self.huntingSteps : [],
            limits: Self.limits(inventory: inventory, tenant: tenant)
        )
    }

    static let huntingSteps = [
        "Treat the shared service principal's foreign key as an attacker's until proven otherwise: anyone with its private key can mint Exchange Online impersonation tokens that cannot be revoked (valid about 24 hours).",
        "Record the key (exscope hybrid cleanup writes a backup of its public part), then remove every key: exscope hybrid cleanup --apply.",
        "Find who added it: exscope hunt --since <date of your first HCW run> (live), or exscope hunt --audit-file <export.json> for older SIEM exports; Entra keeps directory audits about 30 days.",
        "Look for 'Add service principal credentials', 'Update service principal' and 'Update application – Certificates and secrets management' on 'Office 365 Exchange Online', and 'Consent to application' granting full_access_as_app.",
        "Review mailbox access from Exchange Online (Purview audit: MailItemsAccessed) for the window the key existed; ACS actor tokens leave little trace in sign-in logs.",
        "Rotate the on-premises auth certificate and rerun ConfigureExchangeHybridApplication.ps1 -UpdateCertificate once the servers are known clean.",
    ]

    static func limits(inventory: Inventory?, tenant: TenantSnapshot?) -> [String] {
        var limits = [
            "A clean report shows posture now; it cannot prove the shared service principal was never abused (ACS actor tokens are largely invisible in Entra logs).",
            "ExScope reads configuration; it does not test that free/busy, MailTips or photos work through the dedicated app.",
        ]
        if inventory == nil {
            limits.append("No inventory: server builds and the on-premises hybrid configuration are unknown.")
        } else if inventory?.hasOrganizationConfiguration == false {
            limits.append("The inventory (\(inventory?.source.rawValue ?? "?")) carries servers and builds only: the override, AuthServer and auth certificate checks are unknown; run collector/Get-ExScopeInventory.ps1.")
        }
        if tenant == nil {
            limits.append("Entra was not read: the shared service principal, the dedicated app and consent are unknown; run with Graph credentials (Application.Read.All).")
        }
        return limits
    }
}
