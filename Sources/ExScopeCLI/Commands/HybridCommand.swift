import ArgumentParser
import ExScopeCore
import ExScopeGraph
import Foundation

/// `exscope hybrid …`.
struct HybridCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hybrid", abstract: "Work on the Exchange hybrid trust in Entra.", subcommands: [HybridCleanupCommand.self])
}

/// `exscope hybrid cleanup`: Service Principal Clean-Up Mode, done safely.
struct HybridCleanupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cleanup",
        abstract: "Remove the keys from the shared 'Office 365 Exchange Online' service principal (dry run unless --apply).",
        discussion: """
            Dry run (Application.Read.All) prints exactly which keys would go. --apply \
            (Application.ReadWrite.All) writes a backup of the removed keys' public parts, sends the PATCH \
            and reads back to verify. Refuses while the inventory shows a server below the April 2025 \
            hotfix, or when Graph returns a key to remove without its public part (the backup could not put \
            it back), unless --force. Running it again when nothing is left does nothing.
            """
    )

    @OptionGroup var organisation: OrganisationOptions
    @OptionGroup var graph: GraphOptions

    @Flag(help: "Send the PATCH (default: dry run).")
    var apply = false

    @Option(help: ArgumentHelp("Remove only the key with this thumbprint, plus expired keys.", valueName: "thumbprint"))
    var thumbprint: String?

    @Flag(help: "Clean up even though the inventory shows servers below the hotfix (they will lose hybrid features), or a key to remove cannot be backed up.")
    var force = false

    @Option(help: ArgumentHelp("Backup file for the removed keys (default: exscope-sp-keys-<time>.json).", valueName: "file"))
    var backup: String?

    @Option(help: ArgumentHelp("Put the keys from this backup file back.", valueName: "file"))
    var restore: String?

    func validate() throws {
        if let thumbprint, Thumbprint.normalised(thumbprint) == nil { throw ValidationError("--thumbprint '\(thumbprint)' is not a 40-digit hex thumbprint") }
        let unused = [("--apply", apply), ("--thumbprint", thumbprint != nil), ("--backup", backup != nil), ("--force", force),
                      ("--inventory", organisation.inventory != nil)].filter(\.1).map(\.0)
        if restore != nil && !unused.isEmpty {
            throw ValidationError("--restore puts the backup's keys back; it takes no \(unused.joined(separator: ", "))")
        }
        if let backup, backup.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--backup is empty") }
        if !graph.isConfigured { throw ValidationError("give Graph credentials (see exscope assess --help)") }
    }

    func run() async throws {
        let now = organisation.instant
        let client = try graph.client()
        let cleaner = ServicePrincipalCleaner(client: client)
        if let restore {
            try await runRestore(restore, cleaner: cleaner)
            return
        }
        let inventory = try organisation.loadInventory()
        if let inventory {
            let blocking = CleanupPlan.blockingServers(inventory: inventory, catalog: try CatalogOptions.load(path: nil), now: now)
            if !blocking.isEmpty {
                let message = "servers below the April 2025 hotfix would lose hybrid features after the clean-up: \(blocking.joined(separator: "; "))"
                if !force { throw ExScopeFailure(message + " (install the hotfix first, or pass --force)", exitCode: .needsAction) }
                Terminal.error("warning: " + message)
            }
        } else {
            Terminal.error("warning: no --inventory: cannot check that every server has the April 2025 hotfix", prefix: true)
        }
        let principal: ServicePrincipal?
        do { principal = try await cleaner.principal() } catch { throw graphFailure(error) }
        guard let principal else {
            Terminal.out("The tenant has no Office 365 Exchange Online service principal: nothing to clean up.")
            return
        }
        let plan = CleanupPlan.make(principal: principal, thumbprint: thumbprint, now: now)
        if plan.isNoOp {
            Terminal.out("No keys to remove on Office 365 Exchange Online (\(principal.id)): keyCredentials has \(principal.keyCredentials.count) key(s)\(principal.keyCredentials.isEmpty ? "; already clean" : " and none matches").")
            return
        }
        Terminal.out("\(apply ? "Removing" : "Would remove") \(plan.removals.count) key(s) from Office 365 Exchange Online (\(principal.id)):")
        for removal in plan.removals {
            let key = removal.key
            Terminal.out("  - \(key.thumbprint ?? key.customKeyIdentifier ?? "(no identifier)")  keyId \(key.keyId ?? "?")  \(key.startDateTime?.date.description ?? "?")..\(key.endDateTime?.date.description ?? "?")  \(key.displayName ?? "")  (\(removal.reason))")
        }
        if !plan.kept.isEmpty { Terminal.out("Keeping \(plan.kept.count) key(s), re-sent with key, type and usage only.") }
        // Both checked before the backup is written, so a run that cannot go through leaves nothing behind.
        if let reason = plan.unsendableReason {
            if apply { throw ExScopeFailure.runFailure(reason + "; nothing was changed") }
            Terminal.error("warning: --apply would stop here: " + reason)
        }
        if !plan.unrestorable.isEmpty {
            let message = "Graph returned \(plan.unrestorable.count) of the key(s) to remove without their public part, so the backup could not put them back"
            if apply && !force { throw ExScopeFailure(message + "; nothing was changed (pass --force to remove them anyway)", exitCode: .needsAction) }
            Terminal.error("warning: " + message)
        }
        guard apply else {
            Terminal.out("Dry run: nothing changed. Add --apply to remove them.")
            throw ExitCode.needsAction
        }
        let path = backup ?? "exscope-sp-keys-\(now.description.replacingOccurrences(of: ":", with: "")).json"
        let backupFile = KeyBackup(principalId: principal.id, appId: principal.appId, savedAt: now, keys: plan.removals.map(\.key))
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw ExScopeFailure.runFailure("cannot write the backup \(path): \(isDirectory.boolValue ? "it is a directory" : "a file is already there (a backup is never overwritten)"); nothing was changed")
            }
            // Not .atomic: combined with .withoutOverwriting it traps in swift-corelibs-foundation.
            try encoder.encode(backupFile).write(to: URL(fileURLWithPath: path), options: [.withoutOverwriting])
        } catch let failure as ExScopeFailure {
            throw failure
        } catch {
            throw ExScopeFailure.runFailure("cannot write the backup \(path) (\(CatalogOptions.describe(error))); nothing was changed")
        }
        Terminal.out("Backup of the removed keys' public parts: \(path)")
        let outcome: ServicePrincipalCleaner.Outcome
        do { outcome = try await cleaner.apply(plan) } catch { throw graphFailure(error) }
        guard outcome.verified else {
            throw ExScopeFailure.runFailure("the PATCH was accepted but reading back shows \(outcome.remaining.count) key(s), not the \(plan.kept.count) expected; check the service principal")
        }
        Terminal.out("Verified: the shared service principal now has \(outcome.remaining.count) key(s).")
    }

    func runRestore(_ path: String, cleaner: ServicePrincipalCleaner) async throws {
        guard let data = FileManager.default.contents(atPath: path), let backup = try? JSONDecoder().decode(KeyBackup.self, from: data),
              backup.schema == KeyBackup.schemaID else {
            throw ExScopeFailure.badInput("\(path) is not an ExScope key backup (\(KeyBackup.schemaID))")
        }
        do {
            let keys = try await cleaner.restore(backup)
            Terminal.out("Restored: the shared service principal now has \(keys.count) key(s).")
        } catch {
            throw graphFailure(error)
        }
    }
}
