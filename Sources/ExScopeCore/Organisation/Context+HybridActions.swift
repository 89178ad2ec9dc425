/// ED 25-02 action 4: the dedicated app, the override, EvoSTS, the clean-up; and the auth certificate.
extension Context {
    static let scriptURL = "https://github.com/microsoft/CSS-Exchange/releases/latest/download/ConfigureExchangeHybridApplication.ps1"
    static let graphNext = "Run exscope assess with Graph credentials (Application.Read.All), e.g. --tenant <id> --client-id <id> --client-secret-env EXSCOPE_CLIENT_SECRET"

    struct Problem {
        var text: String
        var next: String
    }

    func dedicatedAppProblems(_ app: TenantApp) -> [Problem] {
        var problems: [Problem] = []
        let name = app.displayName
        if app.application == nil {
            problems.append(Problem(text: "\(name) has no app registration in this tenant", next: ".\\ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication"))
        }
        if let application = app.application, !application.requestsFullAccessAsAppRole {
            problems.append(Problem(text: "\(name) does not request full_access_as_app (dc890d15-…) as an application permission (Role)",
                                    next: ".\\ConfigureExchangeHybridApplication.ps1 -DeleteApplication, then -FullyConfigureExchangeHybridApplication"))
        }
        if app.fullAccessGrant == nil {
            problems.append(Problem(text: "\(name) has no admin consent for full_access_as_app (no appRoleAssignment on Office 365 Exchange Online)",
                                    next: "Grant admin consent: Entra admin center > App registrations > \(name) > API permissions > Grant admin consent (or rerun the script with -DeleteApplication, then -FullyConfigureExchangeHybridApplication)"))
        }
        if let application = app.application {
            let thumbprints = Set(application.keyCredentials.filter { !$0.isExpired(at: now) }.compactMap(\.thumbprint))
            if let config = hasConfiguration ? inventory?.authConfig : nil {
                if let current = config.currentCertificateThumbprint, !thumbprints.contains(current) {
                    problems.append(Problem(text: "\(name) does not hold the current auth certificate \(current)", next: ".\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate"))
                }
                if let next = config.nextCertificateThumbprint, !thumbprints.contains(next) {
                    problems.append(Problem(text: "\(name) does not hold the staged next auth certificate \(next)", next: ".\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate"))
                }
            }
            if !application.passwordCredentials.isEmpty {
                problems.append(Problem(text: "\(name) has \(application.passwordCredentials.count) client secret(s); the dedicated app must authenticate with the auth certificate only",
                                        next: "Delete the secrets: Entra admin center > App registrations > \(name) > Certificates & secrets"))
            }
            if application.signInAudience != "AzureADMyOrg" {
                problems.append(Problem(text: "\(name) has signInAudience \(application.signInAudience ?? "unset"), not AzureADMyOrg",
                                        next: "Make it single-tenant: Entra admin center > App registrations > \(name) > Authentication > Accounts in this organizational directory only"))
            }
        }
        return problems
    }

    func dedicatedAppAction() -> ActionResult {
        if let (status, reason) = notHybridStatus { return ActionResult(.dedicatedHybridApp, status, [reason]) }
        guard let tenant else { return ActionResult(.dedicatedHybridApp, .unknown, ["Entra was not read"], next: Self.graphNext) }
        guard let app = dedicatedApp else {
            if hybrid == nil {
                return ActionResult(.dedicatedHybridApp, .unknown,
                                    ["no dedicated app, and without the collector inventory ExScope cannot tell whether the organisation runs hybrid"],
                                    next: Self.collectorCommand)
            }
            var evidence = ["no app named \(tenant.dedicatedAppName ?? "ExchangeServerApp-<organisation GUID>") and no app that EvoSTS points at"]
            if tenant.dedicatedAppName == nil { evidence.append("the organisation GUID is unknown (no collector inventory): looked for any ExchangeServerApp-* app") }
            return ActionResult(.dedicatedHybridApp, .actionRequired, evidence,
                                next: "In the Exchange Management Shell (elevated, Windows PowerShell 5.1): .\\ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication (download: \(Self.scriptURL))")
        }
        var evidence = ["\(app.displayName) (appId \(app.appId)) exists"]
        if let grant = app.fullAccessGrant { evidence.append("admin consent for full_access_as_app" + (grant.createdDateTime.map { " granted \($0)" } ?? "")) }
        let problems = dedicatedAppProblems(app)
        evidence += problems.map(\.text)
        if problems.isEmpty {
            if hasConfiguration && inventory?.authConfig != nil {
                evidence.append("holds the current auth certificate" + (inventory?.authConfig?.nextCertificateThumbprint != nil ? " and the staged next one" : ""))
            } else {
                evidence.append("could not check that it holds the auth certificate (no collector inventory)")
            }
            let status: ActionStatus = hasConfiguration ? .done : .unknown
            return ActionResult(.dedicatedHybridApp, status, evidence, next: status == .done ? nil : Self.collectorCommand)
        }
        return ActionResult(.dedicatedHybridApp, .actionRequired, evidence, next: problems.map(\.next).first)
    }

    func overrideAction() -> ActionResult {
        guard let inventory, hasConfiguration else {
            return ActionResult(.hybridAppOverride, .unknown, ["no collector inventory: Get-SettingOverride was not read"], next: Self.collectorCommand)
        }
        if let (status, reason) = notHybridStatus { return ActionResult(.hybridAppOverride, status, [reason]) }
        let overrides = inventory.settingOverrides.filter {
            $0.componentName.lowercased() == "global" && $0.sectionName.lowercased() == "exchangeonpremasthirdpartyappid"
        }
        let create = "New-SettingOverride -Name \"EnableExchangeHybrid3PAppFeature\" -Component \"Global\" -Section \"ExchangeOnpremAsThirdPartyAppId\" -Parameters \"Enabled=true\" -Reason \"ED 25-02 dedicated hybrid app\""
        switch overrides.count {
        case 0:
            return ActionResult(.hybridAppOverride, .actionRequired, ["no setting override for Global/ExchangeOnpremAsThirdPartyAppId"],
                                next: create + " (or .\\ConfigureExchangeHybridApplication.ps1 -EnableExchangeHybridApplicationOverride)")
        case 1:
            let override = overrides[0]
            let shown = "\(override.name): Parameters [\(override.parameters.joined(separator: ", "))]"
            var evidence = [shown]
            if !override.server.isEmpty { evidence.append("applies only to \(override.server.joined(separator: ", "))") }
            switch OverrideParameters.enabled(override.parameters) {
            case .some(true):
                return ActionResult(.hybridAppOverride, .done, evidence + ["Enabled=true"])
            case .some(false):
                return ActionResult(.hybridAppOverride, .actionRequired, evidence + ["the override exists but says Enabled=false: the dedicated app is not used (HealthChecker counts this as configured)"],
                                    next: "Set-SettingOverride -Identity \"\(override.name)\" -Parameters \"Enabled=true\"")
            case .none:
                return ActionResult(.hybridAppOverride, .actionRequired, evidence + ["no parseable Enabled=true|false parameter"],
                                    next: "Set-SettingOverride -Identity \"\(override.name)\" -Parameters \"Enabled=true\"")
            }
        default:
            return ActionResult(.hybridAppOverride, .actionRequired,
                                ["\(overrides.count) overrides for Global/ExchangeOnpremAsThirdPartyAppId (\(overrides.map(\.name).joined(separator: ", "))): Exchange's behaviour is undefined"],
                                next: "Keep one: Remove-SettingOverride -Identity \"<extra override>\" for all but EnableExchangeHybrid3PAppFeature")
        }
    }

    func authServerAction() -> ActionResult {
        guard hasConfiguration else {
            return ActionResult(.authServerAppId, .unknown, ["no collector inventory: Get-AuthServer was not read"], next: Self.collectorCommand)
        }
        if let (status, reason) = notHybridStatus { return ActionResult(.authServerAppId, status, [reason]) }
        guard !evoSTS.isEmpty else {
            return ActionResult(.authServerAppId, .actionRequired, ["no enabled EvoSTS (Type AzureAD) AuthServer"],
                                next: "Configure OAuth with the Hybrid Configuration Wizard, then .\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer")
        }
        let wanted = dedicatedApp?.appId.lowercased()
        var evidence = evoSTS.map { "\($0.name): ApplicationIdentifier \($0.applicationIdentifier ?? "empty"), Realm \($0.realm ?? "empty")" }
        if let tenantId = tenant?.tenantId, evoSTS.contains(where: { $0.realm != nil && $0.realm?.lowercased() != tenantId.lowercased() }) {
            evidence.append("an EvoSTS Realm differs from the tenant id \(tenantId)")
        }
        let name = evoSTS[0].name
        if let wanted {
            if evoSTS.contains(where: { $0.applicationIdentifier?.lowercased() == wanted }) {
                return ActionResult(.authServerAppId, .done, evidence + ["EvoSTS carries the dedicated app's id \(wanted)"])
            }
            return ActionResult(.authServerAppId, .actionRequired, evidence + ["no EvoSTS AuthServer carries the dedicated app's id \(wanted)"],
                                next: "Set-AuthServer -Identity \"\(name)\" -ApplicationIdentifier \(wanted) (or .\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer)")
        }
        let withId = evoSTS.filter { $0.applicationIdentifier.flatMap(GUID.normalised) != nil }
        if withId.isEmpty {
            return ActionResult(.authServerAppId, .actionRequired, evidence + ["no EvoSTS AuthServer has an ApplicationIdentifier"],
                                next: ".\\ConfigureExchangeHybridApplication.ps1 -ConfigureAuthServer (after the dedicated app exists)")
        }
        return ActionResult(.authServerAppId, .unknown, evidence + ["EvoSTS carries an app id, but without Entra ExScope cannot confirm it is the dedicated app"],
                            next: Self.graphNext)
    }

    func cleanUpAction() -> ActionResult {
        guard let tenant else { return ActionResult(.servicePrincipalCleanUp, .unknown, ["Entra was not read"], next: Self.graphNext) }
        guard let principal = tenant.sharedPrincipal else {
            return ActionResult(.servicePrincipalCleanUp, .done, ["the tenant has no Office 365 Exchange Online service principal"])
        }
        if principal.keyCredentials.isEmpty && principal.passwordCredentials.isEmpty {
            return ActionResult(.servicePrincipalCleanUp, .done, ["Office 365 Exchange Online (\(principal.id)): keyCredentials [] and passwordCredentials []"])
        }
        let keys = principal.keyCredentials.map(keyReport)
        var evidence = keys.map { key in
            let state = key.expired ? "expired" : "valid"
            return "key \(key.thumbprint ?? "(no identifier)") \(key.displayName ?? "") \(key.startDateTime?.description ?? "?")..\(key.endDateTime?.description ?? "?") \(state), matches: \(key.match.rawValue)"
        }
        if !principal.passwordCredentials.isEmpty {
            evidence.append("\(principal.passwordCredentials.count) client secret(s) on the shared principal: Exchange never adds these; find out who did (exscope hunt)")
        }
        let foreign = keys.filter { $0.match == .foreign }
        if keys.contains(where: { $0.match == .unverified }) {
            evidence.append("without the collector inventory, keys cannot be matched to the on-premises auth certificates")
        }
        let cleanUp = "exscope hybrid cleanup --inventory inventory.json (dry run), then add --apply; or .\\ConfigureExchangeHybridApplication.ps1 -ResetFirstPartyServicePrincipalKeyCredentials"
        if !foreign.isEmpty {
            evidence.insert("\(foreign.count) key(s) match no on-premises auth certificate (current, next or previous): not Exchange's", at: 0)
            return ActionResult(.servicePrincipalCleanUp, .compromiseSuspected, evidence,
                                next: "Hunt first (exscope hunt --since <first HCW run>), back up and remove the keys: " + cleanUp)
        }
        return ActionResult(.servicePrincipalCleanUp, .actionRequired,
                            ["\(principal.keyCredentials.count) key(s) still on the shared service principal: on-premises admins can act in Exchange Online"] + evidence,
                            next: cleanUp)
    }

    func authCertificateAction() -> ActionResult {
        guard let inventory, hasConfiguration else {
            return ActionResult(.authCertificate, .unknown, ["no collector inventory: Get-AuthConfig was not read"], next: Self.collectorCommand)
        }
        if let (status, reason) = notHybridStatus { return ActionResult(.authCertificate, status, [reason]) }
        let renew = ".\\MonitorExchangeAuthCertificate.ps1 -ValidateAndRenewAuthCertificate $true -Confirm:$false (CSS-Exchange), then .\\ConfigureExchangeHybridApplication.ps1 -UpdateCertificate"
        guard let current = inventory.authConfig?.currentCertificateThumbprint else {
            return ActionResult(.authCertificate, .actionRequired, ["Get-AuthConfig names no current certificate"], next: renew)
        }
        guard let certificate = inventory.authCertificates.first(where: { $0.thumbprint == current }), let notAfter = certificate.notAfter else {
            return ActionResult(.authCertificate, .unknown, ["the current auth certificate \(current) was not found on the servers the collector read"],
                                next: "Get-ExchangeCertificate -Thumbprint \(current) | Format-List NotAfter")
        }
        let days = now.days(until: notAfter)
        var evidence = ["current auth certificate \(current) expires \(notAfter) (\(days) days)"]
        if let next = inventory.authConfig?.nextCertificateThumbprint {
            evidence.append("next certificate \(next) staged" + (inventory.authConfig?.nextCertificateEffectiveDate.map { ", effective \($0)" } ?? ""))
        }
        if days < 0 {
            return ActionResult(.authCertificate, .actionRequired, evidence + ["expired: hybrid OAuth is broken"], next: renew)
        }
        if days <= OrganisationAssessor.authCertificateWarningDays {
            return ActionResult(.authCertificate, .actionRequired, evidence + ["expires within \(OrganisationAssessor.authCertificateWarningDays) days"], next: renew)
        }
        return ActionResult(.authCertificate, .done, evidence)
    }
}
