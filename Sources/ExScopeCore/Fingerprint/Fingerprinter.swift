/// Turns the responses collected for one host into a ``HostProfile``.
///
/// ```swift
/// let profile = Fingerprinter.classify(evidence, catalog: try Catalog.bundled(), asOf: today)
/// if profile.detected, !profile.exchangeOnline, let report = profile.verdict { … }
/// ```
///
/// Rules, in short:
/// - `detected` needs two independent Exchange signals (``HostProfile/Signal``); a single
///   copied logon-page marker is not even one.
/// - The build is the part every source agrees on: an exact header build and a matching
///   logon-path CU give the exact build; a header and a manifest that differ in the
///   revision give the CU only, with an anomaly. CU-level evidence never becomes an update.
/// - Exchange Online tells (15.20 builds, `*.prod.outlook.com` names, `X-FEProxyInfo`,
///   `Bearer …@*`, Microsoft certificates) set `exchangeOnline` unless the host is known
///   to be off Microsoft's network, which is itself an anomaly (a fake).
public enum Fingerprinter {
    /// Classifies one host's evidence and attaches the knowledge-base verdict.
    /// - Parameters:
    ///   - evidence: the responses, certificate and network hint for the host.
    ///   - catalog: the knowledge base for the verdict.
    ///   - asOf: the day support is judged on.
    public static func classify(_ evidence: HostEvidence, catalog: Catalog, asOf: CalendarDate) -> HostProfile {
        var state = Classification()
        for response in evidence.responses {
            state.read(response)
        }
        if let certificate = evidence.certificate {
            state.read(certificate)
        }
        return state.profile(microsoftNetwork: evidence.microsoftNetwork, certificate: evidence.certificate, catalog: catalog, asOf: asOf)
    }

    /// Request paths of Exchange virtual directories that answer with NTLM.
    static let exchangeAuthPaths = ["/rpc", "/ews", "/autodiscover", "/mapi", "/oab", "/microsoft-server-activesync", "/powershell"]
}

/// The accumulator behind ``Fingerprinter/classify(_:catalog:asOf:)``.
private struct Classification {
    typealias Source = HostProfile.Source

    struct Candidate {
        var version: VersionInput
        var source: Source
        var path: String
    }

    var signals: Set<HostProfile.Signal> = []
    var evidence: [HostProfile.EvidenceItem] = []
    var candidates: [Candidate] = []
    var anomalies: [HostProfile.Anomaly] = []
    var rejected: [HostProfile.Rejected] = []
    var exchangeOnlineTells: [String] = []
    var exchangeOnlineBuildSeen = false
    var microsoftCertificate = false
    var tenantIDs: [String] = []
    var serverNames: [String] = []
    var ntlm: NTLMChallenge?
    var certificateNames: [String] = []

    mutating func note(_ source: Source, _ path: String, _ value: String, _ version: VersionInput? = nil) {
        evidence.append(.init(source: source, path: path, value: value, build: version.map(Self.text), precision: version?.precision))
    }

    mutating func anomaly(_ code: HostProfile.Anomaly.Code, _ text: String) {
        guard !anomalies.contains(where: { $0.code == code && $0.text == text }) else { return }
        anomalies.append(.init(code: code, text: text))
    }

    mutating func reject(_ source: Source, _ path: String, _ error: FingerprintError) {
        rejected.append(.init(source: source, path: path, code: error.code, reason: error.reason))
    }

    static func text(_ version: VersionInput) -> String {
        switch version.precision {
        case .exact: version.build.description
        case .cu: version.build.cuPrefix
        case .product, .none: "\(version.build.major).\(version.build.minor)"
        }
    }

    static func isExchangeOnlineBuild(_ build: BuildNumber) -> Bool { build.major == 15 && build.minor >= 20 }

    /// Adds a build from an exact or CU source, or an Exchange Online tell for 15.20+.
    mutating func addBuild(_ version: VersionInput, _ source: Source, _ path: String) {
        if Self.isExchangeOnlineBuild(version.build) {
            exchangeOnlineBuildSeen = true
            exchangeOnlineTells.append("\(source.rawValue) \(Self.text(version))")
            note(.exchangeOnline, path, "Exchange Online build \(Self.text(version)) from \(source.rawValue)", version)
            return
        }
        candidates.append(Candidate(version: version, source: source, path: path))
    }

    // MARK: Responses

    mutating func read(_ response: HTTPEvidence) {
        let path = ByteText.printable(response.path, limit: 200)
        let headers = response.headers
        var exchangeHeaderInResponse = false

        if let raw = headers.first(OWAVersionHeader.name) {
            exchangeHeaderInResponse = true
            do {
                let header = try OWAVersionHeader(parsing: raw)
                note(.owaVersionHeader, path, ByteText.printable(raw, limit: 64), header.version)
                if !Self.isExchangeOnlineBuild(header.version.build) { signals.insert(.owaVersionHeader) }
                addBuild(header.version, .owaVersionHeader, path)
            } catch {
                reject(.owaVersionHeader, path, error)
                anomaly(.malformedVersionHeader, "X-OWA-Version on \(path) is not a build: \(error.reason)")
            }
        }
        if let raw = headers.first(ServerApplicationHeader.name) {
            do {
                let header = try ServerApplicationHeader(parsing: raw)
                note(.serverApplicationHeader, path, ByteText.printable(raw, limit: 96), header.version)
                if !Self.isExchangeOnlineBuild(header.version.build) { signals.insert(.serverApplicationHeader) }
                addBuild(header.version, .serverApplicationHeader, path)
            } catch {
                reject(.serverApplicationHeader, path, error)
            }
        }

        readIdentity(headers, path, &exchangeHeaderInResponse)

        let cookies = ExchangeCookies.names(in: headers)
        if !cookies.isEmpty {
            signals.insert(.exchangeCookie)
            note(.exchangeCookie, path, cookies.joined(separator: ", "))
        }
        for sign in RedirectSign.signs(in: headers).sorted(by: { $0.rawValue < $1.rawValue }) {
            switch sign {
            case .owaLogon:
                signals.insert(.owaRedirect)
                note(.redirect, path, "redirect to /owa/auth/logon.aspx")
            case .errorFE:
                signals.insert(.errorRedirect)
                note(.redirect, path, "redirect to /owa/auth/errorFE.aspx (Exchange front-end error page)")
            case .tmg, .kemp, .f5, .adfs:
                note(.preAuthPage, path, "\(sign.rawValue) pre-authentication redirect")
            }
        }

        let sharePoint = SharePointHeaders.present(in: headers)
        if !sharePoint.isEmpty {
            note(.sharePointHeaders, path, sharePoint.joined(separator: ", "))
            if exchangeHeaderInResponse {
                anomaly(.exchangeAndSharePointHeaders, "\(path) carries Exchange headers together with SharePoint headers (\(sharePoint.joined(separator: ", ")))")
            }
        }

        readChallenges(headers, path)
        if !response.body.isEmpty { readBody(response, path) }
    }

    mutating func readIdentity(_ headers: HTTPHeaders, _ path: String, _ exchangeHeaderInResponse: inout Bool) {
        let identity = IdentityHeaders(headers: headers)
        for name in identity.rejected {
            reject(.identityHeaders, path, .unexpectedFormat("\(name) value is not a host name"))
        }
        if identity.hasCAFEHeaders || identity.feProxyInfo != nil || identity.beSku != nil || identity.feEFZInfo != nil {
            exchangeHeaderInResponse = true
        }
        var onlineNames: [String] = []
        for name in identity.serverNames + [identity.calculatedFETarget, identity.feProxyInfo].compactMap({ $0 })
        where ExchangeOnlineNames.isExchangeOnlineHost(name) && !onlineNames.contains(name) {
            onlineNames.append(name)
        }
        let onlineHeaders = [("X-FEProxyInfo", identity.feProxyInfo), ("X-FEEFZInfo", identity.feEFZInfo), ("X-BeSku", identity.beSku),
                             ("X-CalculatedFETarget", identity.calculatedFETarget)].filter { $0.1 != nil }.map(\.0)
            + (headers.contains("X-CafeServer") ? ["X-CafeServer"] : [])
        if !onlineNames.isEmpty || !onlineHeaders.isEmpty {
            let text = (onlineHeaders + onlineNames).joined(separator: ", ")
            exchangeOnlineTells.append(text)
            note(.exchangeOnline, path, "Exchange Online headers or names: \(text)")
        }
        guard identity.hasCAFEHeaders else { return }
        let names = identity.serverNames
        note(.identityHeaders, path, names.joined(separator: ", "))
        if onlineNames.isEmpty {
            signals.insert(.identityHeaders)
            for name in names where !serverNames.contains(name) { serverNames.append(name) }
        }
    }

    mutating func readChallenges(_ headers: HTTPHeaders, _ path: String) {
        let (challenges, errors) = AuthChallenge.parseAll(headers)
        for error in errors { reject(.authChallenge, path, error) }
        guard !challenges.isEmpty else { return }
        note(.authChallenge, path, challenges.map(\.scheme).joined(separator: ", "))
        let lowerPath = path.lowercased()
        let exchangePath = Fingerprinter.exchangeAuthPaths.contains { lowerPath.hasPrefix($0) }
        for challenge in challenges {
            if challenge.isScheme("NTLM") || challenge.isScheme("Negotiate") {
                if exchangePath { signals.insert(.ntlmOnExchangePath) }
                // Negotiate tokens may be Kerberos/SPNEGO; only NTLMSSP blobs ("TlRMTVNT") are decoded.
                if let token = challenge.token, token.hasPrefix("TlRMTVNT") {
                    do {
                        let decoded = try NTLMChallenge(base64: token)
                        if ntlm == nil { ntlm = decoded }
                        let names = [decoded.netBIOSComputerName, decoded.dnsComputerName, decoded.version?.description].compactMap { $0 }
                        note(.ntlmChallenge, path, names.joined(separator: ", "))
                    } catch {
                        reject(.ntlmChallenge, path, error)
                    }
                }
            } else if challenge.isScheme("Bearer") {
                do {
                    let bearer = try BearerChallenge(challenge)
                    if bearer.isExchange { signals.insert(.exchangeBearer) }
                    note(.bearerChallenge, path, bearer.trustedIssuers.joined(separator: ", "))
                    if bearer.wildcardRealm {
                        exchangeOnlineTells.append("Bearer trusted issuer @*")
                        note(.exchangeOnline, path, "Bearer trusted_issuers realm '*' (Exchange Online)")
                    }
                    for tenant in bearer.tenantIDs where !tenantIDs.contains(tenant) { tenantIDs.append(tenant) }
                } catch where error.code == .notFound {
                    // A bare `Bearer` challenge from some other OAuth server says nothing.
                } catch {
                    reject(.bearerChallenge, path, error)
                }
            }
        }
    }

    mutating func readBody(_ response: HTTPEvidence, _ path: String) {
        if ByteText.contains(response.path, "exporttool") {
            readManifest(response.body, path)
            return
        }
        do {
            let page = try OWALogonPage(parsing: response.body)
            let markers = page.markers.map(\.rawValue).sorted()
            note(.logonPageMarkers, path, "score \(page.score)\(page.looksLikeExchange ? "" : " (not enough)"): " + markers.joined(separator: ", "))
            if page.looksLikeExchange { signals.insert(.logonPage) }
            for found in page.paths {
                note(.logonPagePath, path, found.underAuth ? "/owa/auth/\(Self.text(found.version))/" : "/owa/\(Self.text(found.version))/", found.version)
                addBuild(found.version, .logonPagePath, path)
            }
            for kind in page.preAuth.sorted(by: { $0.rawValue < $1.rawValue }) {
                note(.preAuthPage, path, "\(kind.rawValue) pre-authentication page")
            }
        } catch where error.code == .notFound {
            // Most bodies are not logon pages; nothing to record.
        } catch {
            reject(.logonPageMarkers, path, error)
        }
    }

    mutating func readManifest(_ body: [UInt8], _ path: String) {
        let manifest: ExportToolManifest
        do {
            manifest = try ExportToolManifest(parsing: body)
        } catch {
            reject(.exportTool, path, error)
            return
        }
        let versions = manifest.builds.map(\.description).joined(separator: ", ")
        note(.exportTool, path, "assemblyIdentity versions \(versions)" + (manifest.honeypotSigns.isEmpty ? "" : "; bait signs: "
            + manifest.honeypotSigns.map(\.rawValue).sorted().joined(separator: ", ")))
        if !manifest.honeypotSigns.isEmpty {
            let token = manifest.identities.compactMap(\.publicKeyToken).first ?? "?"
            for sign in manifest.honeypotSigns {
                switch sign {
                case .zeroPublicKeyToken: anomaly(.honeypotToken, "export tool manifest on \(path) has publicKeyToken \(token)")
                case .placeholderVersion: anomaly(.honeypotVersion, "export tool manifest on \(path) has placeholder version \(versions)")
                case .exampleValues: anomaly(.honeypotExampleValues, "export tool manifest on \(path) names Example Corp. / example.invalid")
                }
            }
            // Bait is not evidence of a build.
            return
        }
        signals.insert(.exportTool)
        if manifest.builds.count > 1 {
            anomaly(.exportToolInconsistent, "export tool manifest on \(path) has different assemblyIdentity versions: \(versions)")
        }
        for build in manifest.builds {
            addBuild(VersionInput(build: build, form: .fourPart), .exportTool, path)
        }
    }

    mutating func read(_ certificate: CertificateSummary) {
        let names = ([certificate.subjectCommonName].compactMap { $0 } + certificate.subjectAlternativeNames).map { ByteText.printable($0, limit: 200) }
        for name in names where !certificateNames.contains(name) && certificateNames.count < 32 { certificateNames.append(name) }
        var text = "CN=\(certificate.subjectCommonName.map { ByteText.printable($0, limit: 200) } ?? "-")"
        if let issuer = certificate.issuer { text += ", issuer \(ByteText.printable(issuer, limit: 200))" }
        if certificate.selfSigned { text += ", self-signed" }
        note(.certificate, "", text)
        if ExchangeOnlineNames.isMicrosoftCertificate(certificate) {
            microsoftCertificate = true
            exchangeOnlineTells.append("Microsoft certificate")
            note(.exchangeOnline, "", "Microsoft Exchange Online certificate")
        }
    }

    // MARK: Conclusion

    /// The parts every candidate agrees on, limited by what the candidates show.
    static func agreement(_ candidates: [Candidate]) -> VersionInput? {
        guard !candidates.isEmpty else { return nil }
        func part(_ b: BuildNumber, _ k: Int) -> Int { [b.major, b.minor, b.build, b.revision][k] }
        func parts(_ v: VersionInput) -> Int {
            switch v.precision {
            case .exact: 4
            case .cu: 3
            case .product: 2
            case .none: 0
            }
        }
        var agreed = 0
        var values: [Int] = []
        for k in 0..<4 {
            let having = candidates.filter { parts($0.version) > k }
            guard let first = having.first else { break }
            let value = part(first.version.build, k)
            guard having.allSatisfy({ part($0.version.build, k) == value }) else { break }
            values.append(value)
            agreed = k + 1
        }
        switch agreed {
        case 4: return VersionInput(build: BuildNumber(values[0], values[1], values[2], values[3]), form: .fourPart)
        case 3: return VersionInput(build: BuildNumber(values[0], values[1], values[2], 0), form: .threePart)
        case 2: return VersionInput(build: BuildNumber(values[0], values[1], 0, 0), form: .twoPart)
        default: return nil
        }
    }

    /// Whether two candidates contradict each other within the parts both show.
    static func disagree(_ a: Candidate, _ b: Candidate) -> Bool {
        let shared = min(a.version.precision, b.version.precision)
        switch shared {
        case .exact: return a.version.build != b.version.build
        case .cu: return a.version.build.cuPrefix != b.version.build.cuPrefix
        case .product: return (a.version.build.major, a.version.build.minor) != (b.version.build.major, b.version.build.minor)
        case .none: return false
        }
    }

    mutating func conflictAnomalies() {
        for i in candidates.indices {
            for j in candidates.indices where j > i {
                let a = candidates[i], b = candidates[j]
                guard Self.disagree(a, b) else { continue }
                let pair = Set([a.source, b.source])
                let text = "\(a.source.rawValue) \(Self.text(a.version)) (\(a.path)) vs \(b.source.rawValue) \(Self.text(b.version)) (\(b.path))"
                let code: HostProfile.Anomaly.Code
                if pair == [.owaVersionHeader] {
                    code = .owaVersionConflict
                } else if pair == [.logonPagePath] {
                    code = .logonPathConflict
                } else if pair == [.exportTool] {
                    continue // already reported as exporttool-inconsistent
                } else if pair.contains(.logonPagePath) {
                    code = .pathCUMismatch
                } else if pair == [.exportTool, .owaVersionHeader] {
                    code = .exportToolHeaderMismatch
                } else {
                    code = .serverApplicationMismatch
                }
                anomaly(code, text)
            }
        }
    }

    mutating func profile(microsoftNetwork: Bool?, certificate: CertificateSummary?, catalog: Catalog, asOf: CalendarDate) -> HostProfile {
        conflictAnomalies()

        // Exchange Online: judged from the tells and where the host is.
        var exchangeOnline = false
        if !exchangeOnlineTells.isEmpty {
            let offMicrosoft = microsoftNetwork == false || (microsoftNetwork == nil && certificate != nil && !microsoftCertificate)
            let tells = exchangeOnlineTells.joined(separator: "; ")
            if microsoftCertificate || microsoftNetwork == true {
                exchangeOnline = true
            } else if offMicrosoft {
                if exchangeOnlineBuildSeen {
                    anomaly(.exchangeOnlineBuildOffMicrosoft, "Exchange Online build on a host off Microsoft's network: \(tells)")
                } else {
                    anomaly(.exchangeOnlineHeadersOffMicrosoft, "Exchange Online headers on a host off Microsoft's network: \(tells)")
                }
            } else {
                // Network unknown and no certificate: do not count it as on-premises.
                exchangeOnline = true
                if !candidates.isEmpty {
                    anomaly(.exchangeOnlineTellsWithOnPremBuild,
                            "Exchange Online tells (\(tells)) together with on-premises builds \(Set(candidates.map { Self.text($0.version) }).sorted().joined(separator: ", "))")
                }
            }
        }

        let sortedSignals = signals.sorted()
        // A honeypot imitates Exchange: its bait is flagged, and it is not counted as Exchange.
        let honeypot = anomalies.contains { [.honeypotToken, .honeypotVersion, .honeypotExampleValues].contains($0.code) }
        // Exchange Online is Exchange too (it is never counted as on-premises).
        let detected = (signals.count >= 2 && !honeypot) || exchangeOnline
        var agreed = detected && !exchangeOnline ? Self.agreement(candidates) : nil
        var basisNote: String?
        // Headers can be rewritten (IIS URL Rewrite); the logon-page paths and the export-tool
        // manifest are files of the installed build. When a header contradicts them about the
        // CU itself, the CU rests on the files (never more than the CU: whether the manifest
        // moves with every update is not established), and the anomaly and confidence say so.
        if detected, !exchangeOnline, (agreed?.precision ?? Precision.none) < .cu {
            let files = candidates.filter { $0.source == .logonPagePath || $0.source == .exportTool }
            if files.count < candidates.count, let fromFiles = Self.agreement(files), fromFiles.precision >= .cu {
                agreed = VersionInput(build: BuildNumber(fromFiles.build.major, fromFiles.build.minor, fromFiles.build.build, 0), form: .threePart)
                basisNote = "The version header disagrees with the server's own files; the build is taken from the logon page and export tool."
            }
        }

        // Confidence: the number of independent signals, then lowered by contradictions.
        var confidence: HostProfile.Confidence = .low
        if detected {
            let exactAndConfirmed = agreed?.precision == .exact && Set(candidates.map(\.source)).count >= 2
            confidence = signals.count >= 3 || exactAndConfirmed ? .high : .medium
            if anomalies.contains(where: { !$0.code.isDeception }) { confidence = confidence.lowered }
            if anomalies.contains(where: { $0.code.isDeception }) { confidence = .low }
        }

        var verdict: BuildReport?
        var verdictNote: String?
        if let agreed, !exchangeOnline {
            do {
                let text = Self.text(agreed)
                verdict = BuildReport(try catalog.verdict(for: agreed, input: text, asOf: asOf), asOf: asOf)
                verdictNote = basisNote
            } catch {
                verdictNote = error.reason
            }
        } else if honeypot {
            verdictNote = "Honeypot bait seen; not counted as Exchange."
        } else if exchangeOnline {
            verdictNote = "Exchange Online is not an on-premises server; no build verdict."
        } else if !detected && !candidates.isEmpty {
            verdictNote = "Fewer than two independent Exchange signals; the build is not judged."
        } else if detected && !candidates.isEmpty {
            verdictNote = "The build sources disagree on the product; see candidates and anomalies."
        }

        var grouped: [HostProfile.BuildCandidate] = []
        for candidate in candidates {
            let text = Self.text(candidate.version)
            if let index = grouped.firstIndex(where: { $0.build == text && $0.precision == candidate.version.precision }) {
                if !grouped[index].sources.contains(candidate.source) { grouped[index].sources.append(candidate.source) }
            } else {
                grouped.append(.init(build: text, precision: candidate.version.precision, sources: [candidate.source]))
            }
        }

        let identity = HostProfile.Identity(
            serverNames: serverNames,
            netBIOSComputerName: ntlm?.netBIOSComputerName, netBIOSDomainName: ntlm?.netBIOSDomainName,
            dnsComputerName: ntlm?.dnsComputerName, dnsDomainName: ntlm?.dnsDomainName, dnsTreeName: ntlm?.dnsTreeName,
            osVersion: ntlm?.version?.description, osName: ntlm?.version.flatMap(WindowsRelease.name),
            certificateNames: certificateNames
        )
        return HostProfile(
            schema: HostProfile.schemaID, detected: detected, confidence: confidence, exchangeOnline: exchangeOnline,
            build: agreed.map(Self.text), precision: agreed?.precision ?? .none, candidates: grouped, signals: sortedSignals,
            evidence: evidence, hybrid: .init(likely: !tenantIDs.isEmpty && !exchangeOnline, tenantIds: tenantIDs),
            identity: identity, anomalies: anomalies, rejected: rejected, verdict: verdict, verdictNote: verdictNote
        )
    }
}

/// Windows Server releases by NTLM version.
enum WindowsRelease {
    static func name(_ version: NTLMChallenge.WindowsVersion) -> String? {
        switch (version.major, version.minor, version.build) {
        case (5, 2, 3790): "Windows Server 2003"
        case (6, 0, _): "Windows Server 2008"
        case (6, 1, 7600): "Windows Server 2008 R2"
        case (6, 1, 7601): "Windows Server 2008 R2 SP1"
        case (6, 2, 9200): "Windows Server 2012"
        case (6, 3, 9600): "Windows Server 2012 R2"
        case (10, 0, 14393): "Windows Server 2016"
        case (10, 0, 17763): "Windows Server 2019"
        case (10, 0, 20348): "Windows Server 2022"
        case (10, 0, 26100): "Windows Server 2025"
        default: nil
        }
    }
}
