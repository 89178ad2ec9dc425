import ExScopeCore
import Foundation
import Testing

/// Hostile-input tests: truncations at every (or sampled) cut point and seeded random
/// mutations of every fixture. Each parser must return a value or a typed
/// ``FingerprintError``; the typed `throws` makes "anything else" a compile error and a
/// crash fails the run. Where a property must hold for every cut, it is checked.
@Suite("Fingerprint parsers on truncated and mutated input")
struct FingerprintRobustnessTests {
    @Test("Logon pages: truncations only ever find what the full page has", arguments: FingerprintFixtures.logonPages)
    func logonTruncations(name: String) throws {
        let bytes = FingerprintFixtures.bytes(name)
        let full = try OWALogonPage(parsing: bytes)
        var values = 0
        for cut in Mutations.cuts(bytes.count) {
            do {
                let page = try OWALogonPage(parsing: bytes.prefix(cut))
                values += 1
                #expect(Set(page.paths).isSubset(of: Set(full.paths)), "cut \(cut)")
                #expect(page.markers.isSubset(of: full.markers), "cut \(cut)")
                #expect(page.preAuth.isSubset(of: full.preAuth), "cut \(cut)")
            } catch {
                #expect(cut == 0 ? error.code == .empty : error.code == .notFound, "cut \(cut): \(error)")
            }
        }
        // The full page is one of the cuts.
        #expect(values >= 1)
    }

    @Test("Logon pages: seeded random mutations", arguments: FingerprintFixtures.logonPages)
    func logonMutations(name: String) {
        let bytes = FingerprintFixtures.bytes(name)
        var outcomes = 0
        for (index, mutated) in Mutations.mutate(bytes, count: 200, seed: UInt64(name.utf8.count) &* 7919).enumerated() {
            do {
                let page = try OWALogonPage(parsing: mutated)
                #expect(page.paths.count <= OWALogonPage.maximumPaths, "mutation \(index)")
                outcomes += 1
            } catch {
                #expect([.notFound, .empty].contains(error.code), "mutation \(index): \(error)")
                outcomes += 1
            }
        }
        #expect(outcomes == 200)
    }

    @Test("Logon page: a body of nothing but version paths stays bounded")
    func logonManyPaths() throws {
        var text = "<title>Outlook</title>"
        for i in 0..<5_000 { text += "/owa/auth/15.2.\(i)/" }
        let page = try OWALogonPage(parsing: Array(text.utf8))
        #expect(page.paths.count == OWALogonPage.maximumPaths)
    }

    @Test("Manifests: truncations give an error or the same build", arguments: FingerprintFixtures.manifests)
    func manifestTruncations(name: String) throws {
        let bytes = FingerprintFixtures.bytes(name)
        let full = try ExportToolManifest(parsing: bytes)
        for cut in Mutations.cuts(bytes.count) {
            do {
                let manifest = try ExportToolManifest(parsing: bytes.prefix(cut))
                #expect(Set(manifest.builds).isSubset(of: Set(full.builds)), "cut \(cut)")
                #expect(manifest.identities.count <= full.identities.count, "cut \(cut)")
            } catch {
                #expect([.empty, .notFound, .truncated].contains(error.code), "cut \(cut): \(error)")
            }
        }
    }

    @Test("Manifests: seeded random mutations", arguments: FingerprintFixtures.manifests)
    func manifestMutations(name: String) {
        let bytes = FingerprintFixtures.bytes(name)
        for (index, mutated) in Mutations.mutate(bytes, count: 200, seed: 0xE7 &+ UInt64(name.utf8.count)).enumerated() {
            do {
                let manifest = try ExportToolManifest(parsing: mutated)
                #expect(!manifest.builds.isEmpty, "mutation \(index)")
                #expect(manifest.identities.count <= ExportToolManifest.maximumIdentities)
            } catch {
                #expect(error.code != .empty, "mutation \(index): \(error)")
            }
        }
    }

    @Test("Manifest limits: too many identities, a huge attribute value")
    func manifestLimits() {
        let one = #"<assemblyIdentity name="microsoft.exchange.ediscovery.exporttool" version="15.2.1544.25"/>"#
        #expect(throws: FingerprintError(code: .limitExceeded)) {
            try ExportToolManifest(parsing: Array(String(repeating: one, count: 40).utf8))
        }
        let huge = #"<assemblyIdentity name=""# + String(repeating: "a", count: 5000) + #""/>"#
        #expect(throws: FingerprintError(code: .limitExceeded)) { try ExportToolManifest(parsing: Array(huge.utf8)) }
    }

    @Test("NTLM: every proper prefix of a message with a payload is rejected", arguments: ["ntlm-qualcomm.b64", "ntlm-sharepoint.b64", "ntlm-smb-toolkit.b64"])
    func ntlmTruncations(name: String) throws {
        let message = [UInt8](try #require(Data(base64Encoded: FingerprintFixtures.ntlm(name))))
        _ = try NTLMChallenge(parsing: message)
        for cut in 0..<message.count {
            #expect(throws: FingerprintError.self, "cut \(cut)") { try NTLMChallenge(parsing: message.prefix(cut)) }
        }
    }

    @Test("NTLM: the 40-byte minimal message parses from 32 bytes on")
    func ntlmMinimalTruncations() throws {
        let message = [UInt8](try #require(Data(base64Encoded: FingerprintFixtures.ntlm("ntlm-minimal.b64"))))
        for cut in 0...message.count {
            if cut < 32 {
                #expect(throws: FingerprintError.self) { try NTLMChallenge(parsing: message.prefix(cut)) }
            } else {
                let challenge = try NTLMChallenge(parsing: message.prefix(cut))
                #expect(challenge.serverChallenge == "5372764e6f6e6365")
                #expect(challenge.targetName == nil)
            }
        }
    }

    @Test("NTLM: base64 truncations and raw and base64 mutations", arguments: FingerprintFixtures.ntlmBlobs)
    func ntlmMutations(name: String) throws {
        let text = Array(FingerprintFixtures.ntlm(name).utf8)
        for cut in 0...text.count {
            _ = try? NTLMChallenge(base64: String(decoding: text.prefix(cut), as: UTF8.self))
        }
        let message = [UInt8](try #require(Data(base64Encoded: String(decoding: text, as: UTF8.self))))
        var decoded = 0
        for mutated in Mutations.mutate(message, count: 500, seed: 42 &+ UInt64(message.count)) {
            do {
                let challenge = try NTLMChallenge(parsing: mutated)
                decoded += 1
                #expect((challenge.dnsComputerName?.count ?? 0) <= 257)
            } catch {
                #expect(error.code != .limitExceeded)
            }
        }
        for mutated in Mutations.mutate(text, count: 300, seed: 7) {
            _ = try? NTLMChallenge(base64: String(decoding: mutated, as: UTF8.self))
        }
        // Most single-area mutations leave a decodable message; this guards against a parser that rejects everything.
        #expect(decoded > 0)
    }

    @Test("NTLM: AV pair loops and sizes are bounded")
    func ntlmBounds() {
        // 100 AV pairs of id 9 (not read), no EOL.
        var pairs: [UInt8] = []
        for _ in 0..<100 { pairs += [9, 0, 0, 0] }
        var message = Array("NTLMSSP\0".utf8) + [2, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 0] + [1, 0, 0, 0] + [UInt8](repeating: 0, count: 16)
        message += [UInt8(pairs.count & 0xFF), UInt8(pairs.count >> 8), 0, 0, 48, 0, 0, 0] + pairs
        #expect(throws: FingerprintError(code: .limitExceeded)) { try NTLMChallenge(parsing: message) }
        #expect(throws: FingerprintError(code: .limitExceeded)) { try NTLMChallenge(parsing: [UInt8](repeating: 0, count: 9000)) }
    }

    @Test("Header parsers over every cut and mutation of every fixture header", arguments: FingerprintFixtures.heads)
    func headerValues(name: String) {
        let (_, headers) = FingerprintFixtures.head(name)
        for field in headers.fields {
            let bytes = Array(field.value.utf8)
            var variants = (0...bytes.count).map { Array(bytes.prefix($0)) }
            variants += Mutations.mutate(bytes, count: 100, seed: UInt64(bytes.count))
            for variant in variants {
                let value = String(decoding: variant, as: UTF8.self)
                _ = try? OWAVersionHeader(parsing: value)
                _ = try? ServerApplicationHeader(parsing: value)
                if let challenges = try? AuthChallenge.parse(value) {
                    #expect(challenges.count <= AuthChallenge.maximumChallenges)
                    for challenge in challenges {
                        #expect(challenge.parameters.count <= AuthChallenge.maximumParameters)
                        _ = try? BearerChallenge(challenge)
                    }
                }
                let identity = IdentityHeaders(headers: HTTPHeaders([("X-FEServer", value), ("request-id", value)]))
                #expect(identity.feServer.map { $0.utf8.count <= IdentityHeaders.maximumNameLength } ?? true)
                _ = RedirectSign.signs(in: HTTPHeaders([("Location", value), ("Set-Cookie", value)]))
            }
        }
    }

    @Test("WWW-Authenticate: oversize and many-challenge values are refused")
    func challengeLimits() {
        #expect(throws: FingerprintError(code: .limitExceeded)) {
            try AuthChallenge.parse("NTLM " + String(repeating: "A", count: AuthChallenge.maximumLength))
        }
        #expect(throws: FingerprintError(code: .limitExceeded)) {
            try AuthChallenge.parse(Array(repeating: "NTLM", count: 40).joined(separator: ", "))
        }
        #expect(throws: FingerprintError(code: .limitExceeded)) {
            try AuthChallenge.parse("Bearer " + (0..<40).map { "p\($0)=v" }.joined(separator: ", "))
        }
    }

    @Test("The classifier on mutated evidence keeps its invariants")
    func classifierMutations() throws {
        let catalog = try Catalog.bundled()
        let asOf = try #require(CalendarDate(year: 2025, month: 8, day: 10))
        let page = FingerprintFixtures.bytes("owa-2019-cu9-logon.html")
        let manifest = FingerprintFixtures.bytes("exporttool-15.2.986.5.application")
        let pages = Mutations.mutate(page, count: 40, seed: 1)
        let manifests = Mutations.mutate(manifest, count: 40, seed: 2)
        let (_, head) = FingerprintFixtures.head("autodiscover-401-2019-cu11.http")
        for i in 0..<40 {
            var fields = head.fields
            var rng = SplitMix64(seed: UInt64(i))
            let which = Int.random(in: 0..<fields.count, using: &rng)
            let mutated = Mutations.mutate(Array(fields[which].value.utf8), count: 1, seed: UInt64(i))[0]
            fields[which].value = String(decoding: mutated, as: UTF8.self)
            let evidence = HostEvidence(responses: [
                HTTPEvidence(path: "/autodiscover/autodiscover.json", status: 401, headers: HTTPHeaders(fields: fields)),
                HTTPEvidence(path: "/owa/auth/logon.aspx", status: 200, body: pages[i]),
                HTTPEvidence(path: "/ecp/Current/exporttool/microsoft.exchange.ediscovery.exporttool.application", status: 200, body: manifests[i]),
            ])
            let profile = Fingerprinter.classify(evidence, catalog: catalog, asOf: asOf)
            #expect(profile.detected == (profile.signals.count >= 2))
            if !profile.detected {
                #expect(profile.build == nil && profile.verdict == nil && profile.confidence == .low)
            }
            if let verdict = profile.verdict { #expect(verdict.precision <= profile.precision) }
        }
    }
}
