/// One assessment run's derived facts.
struct Context {
    struct Server {
        var inventory: InventoryServer
        var verdict: Verdict?
        var problem: String?
        var summary: ServerSummary

        /// CVE-2025-53786 for this server.
        var hotfix: Finding? { verdict?.findings.first { $0.id == "CVE-2025-53786" } }

        /// Whether the server's CU can take the April 2025 hotfix at all (nil: unknown).
        var eligible: Bool? {
            guard let verdict else { return nil }
            guard let finding = hotfix else { return nil }
            switch finding.status {
            case .patched, .indeterminate: return true
            case .vulnerable: return finding.fixedIn != nil
            case .notAffected: return verdict.product.major >= 15 // Exchange 2010 and older: never
            }
        }

        /// Below the hotfix for sure.
        var belowHotfix: Bool { hotfix?.status == .vulnerable || (hotfix?.status == .notAffected && eligible == false) }
    }

    let assessor: OrganisationAssessor
    let inventory: Inventory?
    let tenant: TenantSnapshot?
    let servers: [Server]
    let evoSTS: [AuthServer]
    let hybridEvidence: [String]
    let hybrid: Bool?
    let dedicatedApp: TenantApp?
    let otherApps: [TenantApp]

    var now: Timestamp { assessor.now }
    var hasConfiguration: Bool { inventory?.hasOrganizationConfiguration == true }

    init(assessor: OrganisationAssessor, inventory: Inventory?, tenant: TenantSnapshot?) {
        self.assessor = assessor
        self.inventory = inventory
        self.tenant = tenant
        let date = assessor.now.date
        servers = (inventory?.servers ?? []).map { server in
            var summary = ServerSummary(name: server.name, roles: server.roles, isEdge: server.isEdge, build: server.buildEvidence)
            guard let evidence = server.buildEvidence else {
                summary.problem = "no build in the inventory"
                return Server(inventory: server, verdict: nil, problem: summary.problem, summary: summary)
            }
            do {
                let verdict = try assessor.catalog.verdict(for: evidence, asOf: date)
                let finding = verdict.findings.first { $0.id == "CVE-2025-53786" }
                summary.product = verdict.product.name
                summary.productId = verdict.product.id
                summary.cu = verdict.line?.name
                summary.update = verdict.update?.name
                summary.hotfix = finding?.status
                summary.fixedIn = finding?.fixedIn
                summary.support = verdict.support.status
                return Server(inventory: server, verdict: verdict, problem: nil, summary: summary)
            } catch {
                summary.problem = "\(error)"
                return Server(inventory: server, verdict: nil, problem: summary.problem, summary: summary)
            }
        }
        let config = inventory?.hasOrganizationConfiguration == true ? inventory : nil
        evoSTS = (config?.authServers ?? []).filter { $0.enabled && $0.isEvoSTS }

        // Dedicated app: by name, else the app EvoSTS points at, else any ExchangeServerApp-*.
        let apps = tenant?.apps ?? []
        let byName = tenant?.dedicatedAppName.flatMap { name in apps.first { $0.displayName.lowercased() == name.lowercased() } }
        let authServerIds = Set(evoSTS.compactMap { $0.applicationIdentifier?.lowercased() })
        let byAuthServer = apps.first { authServerIds.contains($0.appId.lowercased()) }
        let byPrefix = apps.first { $0.displayName.hasPrefix("ExchangeServerApp-") }
        dedicatedApp = byName ?? byAuthServer ?? byPrefix
        let dedicatedId = dedicatedApp?.appId
        otherApps = apps.filter { $0.appId != dedicatedId && $0.fullAccessGrant != nil }

        var evidence: [String] = []
        if let config {
            if let hybridConfiguration = config.hybridConfiguration {
                evidence.append("Get-HybridConfiguration returns a configuration (features: \(hybridConfiguration.features.joined(separator: ", ")))")
            }
            let oauthServer = config.authServers.contains { $0.enabled && ($0.isEvoSTS || $0.type?.lowercased() == "microsoftacs") }
            let partner = config.partnerApplications.contains {
                $0.enabled && $0.applicationIdentifier?.lowercased() == HybridIdentifiers.exchangeOnlineAppId
            }
            if oauthServer && partner { evidence.append("OAuth to Exchange Online is configured (AuthServer and the Exchange Online partner application are enabled)") }
            if config.intraOrganizationConnectors.contains(where: \.enabled) { evidence.append("an enabled IntraOrganizationConnector exists") }
        }
        if let keys = tenant?.sharedPrincipal?.keyCredentials, !keys.isEmpty {
            evidence.append("the shared service principal carries \(keys.count) key(s): hybrid was configured at some time")
        }
        if let dedicatedApp { evidence.append("the dedicated hybrid app \(dedicatedApp.displayName) exists") }
        hybridEvidence = evidence
        hybrid = !evidence.isEmpty ? true : ((config != nil && tenant != nil) ? false : nil)
    }

    /// Status for hybrid-only actions when the organisation is not (known to be) hybrid.
    var notHybridStatus: (ActionStatus, String)? {
        switch hybrid {
        case .some(true): return nil
        case .some(false): return (.notApplicable, "no sign that this organisation operates or has operated Exchange hybrid")
        case .none: return nil
        }
    }

    // MARK: Thumbprints

    var onPremThumbprints: (current: String?, next: String?, previous: String?, others: Set<String>)? {
        guard hasConfiguration, let config = inventory?.authConfig else { return nil }
        let named = Set([config.currentCertificateThumbprint, config.nextCertificateThumbprint, config.previousCertificateThumbprint].compactMap { $0 })
        let others = Set(inventory?.authCertificates.map(\.thumbprint) ?? []).subtracting(named)
        return (config.currentCertificateThumbprint, config.nextCertificateThumbprint, config.previousCertificateThumbprint, others)
    }

    func keyReport(_ key: KeyCredential) -> KeyReport {
        let thumbprint = key.thumbprint
        var match = KeyMatch.unverified
        if let known = onPremThumbprints {
            switch thumbprint {
            case .some(let t) where t == known.current: match = .current
            case .some(let t) where t == known.next: match = .next
            case .some(let t) where t == known.previous: match = .previous
            case .some(let t) where known.others.contains(t): match = .otherAuthCertificate
            default: match = .foreign
            }
        }
        return KeyReport(keyId: key.keyId, thumbprint: thumbprint ?? key.customKeyIdentifier, displayName: key.displayName,
                         startDateTime: key.startDateTime, endDateTime: key.endDateTime, expired: key.isExpired(at: now), match: match)
    }

    var sharedPrincipalReport: SharedPrincipalReport? {
        guard let principal = tenant?.sharedPrincipal else { return nil }
        return SharedPrincipalReport(objectId: principal.id, keys: principal.keyCredentials.map(keyReport),
                                     passwordCredentials: principal.passwordCredentials.count,
                                     clean: principal.keyCredentials.isEmpty && principal.passwordCredentials.isEmpty)
    }

    var appReports: [AppReport] {
        var reports: [AppReport] = []
        if let dedicatedApp { reports.append(appReport(dedicatedApp, role: .dedicatedHybridApp)) }
        reports += otherApps.map { appReport($0, role: .otherMailboxWideAccess) }
        return reports
    }

    func appReport(_ app: TenantApp, role: AppReport.Role) -> AppReport {
        AppReport(role: role, displayName: app.displayName, appId: app.appId, applicationObjectId: app.application?.id,
                  servicePrincipalId: app.servicePrincipal?.id,
                  requestsFullAccessAsAppRole: app.application?.requestsFullAccessAsAppRole ?? false,
                  adminConsent: app.fullAccessGrant != nil, consentedAt: app.fullAccessGrant?.createdDateTime,
                  signInAudience: app.application?.signInAudience,
                  keys: (app.application?.keyCredentials ?? []).map(keyReport),
                  passwordCredentials: app.application?.passwordCredentials.count ?? 0,
                  problems: role == .dedicatedHybridApp ? dedicatedAppProblems(app).map(\.text) : [
                      "non-human identity with full_access_as_app: it can read every mailbox through EWS; confirm it is needed and owned",
                  ])
    }

    // MARK: Warnings

    func warnings() -> [AssessmentWarning] {
        guard let principal = tenant?.sharedPrincipal, hybrid == true else { return [] }
        let relevant = servers.filter { !$0.inventory.isEdge && $0.verdict != nil }
        var warnings: [AssessmentWarning] = []
        let below = relevant.filter(\.belowHotfix).map(\.inventory.name)
        let patched = relevant.filter { $0.hotfix?.status == .patched }.map(\.inventory.name)
        if principal.keyCredentials.isEmpty, !below.isEmpty {
            warnings.append(AssessmentWarning(code: .cleanedUpWhileServerBelowHotfix, message:
                "The shared service principal has no keys but \(below.joined(separator: ", ")) \(below.count == 1 ? "is" : "are") below the April 2025 hotfix: those servers still use the shared identity, so hybrid features (free/busy, MailTips, photos) are broken for them. Install the hotfix or remove them from hybrid."))
        }
        if !principal.keyCredentials.isEmpty, !patched.isEmpty {
            warnings.append(AssessmentWarning(code: .patchedButNotCleanedUp, message:
                "\(patched.joined(separator: ", ")) \(patched.count == 1 ? "has" : "have") the hotfix, but the shared service principal still carries \(principal.keyCredentials.count) key(s): the organisation is still exposed to CVE-2025-53786 until the clean-up runs."))
        }
        return warnings
    }
}
