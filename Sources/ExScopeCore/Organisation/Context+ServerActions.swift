/// ED 25-02 actions 1-3: inventory, disconnect, CU and hotfix; and the SE move to Graph.
extension Context {
    static let collectorCommand = "powershell.exe -NoProfile -File collector\\Get-ExScopeInventory.ps1 -OutFile inventory.json (in the Exchange Management Shell), then exscope assess --inventory inventory.json"

    func inventoryAction() -> ActionResult {
        guard let inventory else {
            return ActionResult(.inventory, .actionRequired, ["no inventory was given"], next: Self.collectorCommand)
        }
        var evidence = ["\(inventory.servers.count) server(s) from the \(inventory.source.rawValue) inventory" + (inventory.collectedAt.map { " collected \($0)" } ?? "")]
        let perServer = servers.map { server -> ServerActionResult in
            if let problem = server.problem {
                return ServerActionResult(server: server.inventory.name, status: .unknown, evidence: [problem],
                                          next: "Read the ExSetup.exe file version on \(server.inventory.name): (Get-Command ExSetup.exe).FileVersionInfo.FileVersion")
            }
            var lines = ["build \(server.summary.build ?? "?"): \(server.summary.product ?? "?") \(server.summary.cu ?? "")".trimmingSpaces]
            if server.inventory.exSetupVersion == nil { lines.append("AdminDisplayVersion names the CU only; the installed update is unknown") }
            if server.inventory.online == false { lines.append("the server was offline when the inventory ran") }
            return ServerActionResult(server: server.inventory.name, status: server.inventory.exSetupVersion == nil ? .unknown : .done, evidence: lines)
        }
        if inventory.servers.isEmpty {
            return ActionResult(.inventory, .actionRequired, evidence + ["the inventory lists no servers"], next: Self.collectorCommand)
        }
        var status = ActionStatus.worst(perServer.map(\.status))
        if !inventory.hasOrganizationConfiguration {
            evidence.append("the \(inventory.source.rawValue) file has no hybrid configuration (AuthConfig, AuthServer, overrides)")
            status = ActionStatus.worst([status, .unknown])
        }
        return ActionResult(.inventory, status, evidence, next: status == .done ? nil : Self.collectorCommand, servers: perServer)
    }

    func disconnectAction() -> ActionResult {
        guard inventory != nil else { return ActionResult(.disconnectIneligible, .unknown, ["no inventory"], next: Self.collectorCommand) }
        let perServer = servers.map { server -> ServerActionResult in
            let name = server.inventory.name
            guard let verdict = server.verdict, let eligible = server.eligible else {
                return ServerActionResult(server: name, status: .unknown, evidence: [server.problem ?? "build unknown"])
            }
            let line = "\(verdict.product.name) \(verdict.line?.name ?? "")".trimmingSpaces
            if eligible {
                return ServerActionResult(server: name, status: .done, evidence: ["\(line) can take the April 2025 hotfix"])
            }
            return ServerActionResult(server: name, status: .actionRequired,
                                      evidence: ["\(line) cannot take the April 2025 hotfix: \(server.hotfix?.reason ?? verdict.support.reason)"],
                                      next: "Disconnect \(name) from the network now; then move its mailboxes and decommission it, or upgrade it to Exchange SE (or 2019 CU15) and install the latest update")
        }
        let status = ActionStatus.worst(perServer.map(\.status))
        let count = perServer.filter { $0.status == .actionRequired }.count
        return ActionResult(.disconnectIneligible, perServer.isEmpty ? .unknown : status,
                            [count == 0 ? "no server below a CU that can take the hotfix" : "\(count) server(s) cannot take the April 2025 hotfix"],
                            next: count == 0 ? nil : "Disconnect the servers listed below from the network", servers: perServer)
    }

    func hotfixAction() -> ActionResult {
        guard inventory != nil else { return ActionResult(.latestCUAndHotfix, .unknown, ["no inventory"], next: Self.collectorCommand) }
        let perServer = servers.map { server -> ServerActionResult in
            let name = server.inventory.name
            guard let verdict = server.verdict, let finding = server.hotfix else {
                return ServerActionResult(server: name, status: .unknown, evidence: [server.problem ?? "build unknown"])
            }
            var evidence = ["\(verdict.buildText) \(verdict.product.name) \(verdict.line?.name ?? "") \(verdict.update?.name ?? "")".trimmingSpaces + ": " + finding.reason]
            if verdict.support.status != .supported { evidence.append("support: \(verdict.support.status.rawValue): \(verdict.support.reason)") }
            let newest = verdict.line.map { "\($0.newestBuild)" + ($0.updates.last.map { " (\($0.name))" } ?? "") }
            switch finding.status {
            case .patched:
                return ServerActionResult(server: name, status: .done, evidence: evidence)
            case .indeterminate:
                return ServerActionResult(server: name, status: .unknown, evidence: evidence,
                                          next: "Read the ExSetup.exe file version on \(name); the CU alone cannot show the hotfix")
            case .vulnerable where finding.fixedIn != nil:
                return ServerActionResult(server: name, status: .actionRequired, evidence: evidence,
                                          next: "Install the latest update for \(verdict.product.name) \(verdict.line?.name ?? "") on \(name): \(newest ?? "?") (at least \(finding.fixedIn ?? "?"), Apr25HU)")
            case .vulnerable, .notAffected:
                return ServerActionResult(server: name, status: .actionRequired, evidence: evidence,
                                          next: "Upgrade \(name) to Exchange SE or 2019 CU15 with the latest update, or decommission it")
            }
        }
        let status = perServer.isEmpty ? .unknown : ActionStatus.worst(perServer.map(\.status))
        let patched = perServer.filter { $0.status == .done }.count
        return ActionResult(.latestCUAndHotfix, status, ["\(patched) of \(perServer.count) server(s) at or above the April 2025 hotfix"],
                            next: status == .done ? nil : "Install the updates listed below (Exchange Update Wizard: https://aka.ms/ExchangeUpdateWizard)",
                            servers: perServer)
    }

    func seGraphAction() -> ActionResult {
        let se = servers.filter { $0.verdict?.product.id == "exchange-se" && !$0.inventory.isEdge }
        guard !se.isEmpty else { return ActionResult(.exchangeSEGraphMove, .notApplicable, ["no Exchange SE server in the inventory"]) }
        if let (status, reason) = notHybridStatus { return ActionResult(.exchangeSEGraphMove, status, [reason]) }
        let perServer = se.map { server -> ServerActionResult in
            guard let verdict = server.verdict, verdict.precision == .exact else {
                return ServerActionResult(server: server.inventory.name, status: .unknown, evidence: ["the exact build is unknown"])
            }
            if verdict.build >= OrganisationAssessor.seGraphBuild {
                return ServerActionResult(server: server.inventory.name, status: .done, evidence: ["\(verdict.build) includes the May 2026 HU (Graph-based hybrid calls)"])
            }
            return ServerActionResult(server: server.inventory.name, status: .actionRequired,
                                      evidence: ["\(verdict.build) is below the May 2026 HU (\(OrganisationAssessor.seGraphBuild))"],
                                      next: "Install the latest Exchange SE update (at least May26HU \(OrganisationAssessor.seGraphBuild)) on \(server.inventory.name)")
        }
        var evidence = ["Exchange Online switches EWS off in April 2027; from the May 2026 HU, hybrid calls can go through Microsoft Graph"]
        var orgStatus = ActionStatus.done
        let graphRoles = dedicatedApp?.application?.requiredResourceAccess.contains { $0.resourceAppId == HybridIdentifiers.microsoftGraphAppId } ?? false
        if tenant == nil {
            orgStatus = .unknown
            evidence.append("Entra not read: the dedicated app's Graph permissions are unknown")
        } else if !graphRoles {
            orgStatus = .actionRequired
            evidence.append("the dedicated app has no Microsoft Graph application permissions")
        }
        let route = (inventory?.settingOverrides ?? []).filter { $0.componentName.lowercased() == "settingoverride" && $0.sectionName.lowercased() == "routethroughmsgraph" }
        if !hasConfiguration {
            orgStatus = ActionStatus.worst([orgStatus, .unknown])
        } else if route.count != 1 || OverrideParameters.enabled(route.first?.parameters ?? []) != true {
            orgStatus = .actionRequired
            evidence.append("setting override RouteThroughMSGraph (Component SettingOverride) is not set to Enabled=true")
        } else {
            evidence.append("setting override RouteThroughMSGraph is Enabled=true")
        }
        let status = ActionStatus.worst(perServer.map(\.status) + [orgStatus])
        return ActionResult(.exchangeSEGraphMove, status, evidence,
                            next: status == .done ? nil : "After the May 2026 HU: .\\ConfigureExchangeHybridApplication.ps1 -FullyConfigureExchangeHybridApplication (current version adds the Graph permissions and offers the RouteThroughMSGraph override)",
                            servers: perServer)
    }
}

/// Parses setting-override parameters the way Microsoft's script does: `^\s*Enabled\s*=\s*(true|false)\s*$`.
enum OverrideParameters {
    /// `true`/`false` from the single `Enabled=` parameter; `nil` when absent or unparseable.
    static func enabled(_ parameters: [String]) -> Bool? {
        var result: Bool?
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0].trimmingSpaces.lowercased() == "enabled" else { continue }
            switch parts[1].trimmingSpaces.lowercased() {
            case "true": result = true
            case "false": result = false
            default: return nil
            }
        }
        return result
    }
}
