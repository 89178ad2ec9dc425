import ExScopeCore
import Foundation

/// Loads the files in `Fixtures/fingerprint/`.
enum FingerprintFixtures {
    static func url(_ name: String) -> URL {
        guard let base = Bundle.module.resourceURL else { fatalError("test bundle has no resources") }
        return base.appendingPathComponent("Fixtures/fingerprint/\(name)")
    }

    static func bytes(_ name: String) -> [UInt8] {
        guard let data = try? Data(contentsOf: url(name)) else { fatalError("missing fixture \(name)") }
        return [UInt8](data)
    }

    static func text(_ name: String) -> String {
        String(decoding: bytes(name), as: UTF8.self)
    }

    /// A `.http` fixture: status line, then `Name: value` lines.
    static func response(_ name: String, path: String, body: [UInt8] = []) -> HTTPEvidence {
        let (status, headers) = head(name)
        return HTTPEvidence(path: path, status: status, headers: headers, body: body)
    }

    static func head(_ name: String) -> (Int, HTTPHeaders) {
        let lines = text(name).split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: ["\r"]) }
        guard let statusLine = lines.first else { fatalError("empty fixture \(name)") }
        let status = statusLine.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
        var pairs: [(String, String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = String(line[..<colon])
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            pairs.append((name, value))
        }
        return (status, HTTPHeaders(pairs))
    }

    /// The base64 text of an NTLM fixture, without the newline.
    static func ntlm(_ name: String) -> String {
        text(name).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let logonPages = ["owa-2019-cu9-logon.html", "owa-2016-cu10-logon.html", "owa-2013-cu21-logon.html",
                             "ecp-2019-cu9-logon.html", "owa-2010-logon.html", "owa-2007-logon.html",
                             "phishing-one-marker.html", "kemp-esp-logon.html", "tmg-cookieauth-logon.html", "f5-apm-logon.html"]
    static let manifests = ["exporttool-15.1.2375.7.application", "exporttool-15.2.986.5.application",
                            "exporttool-15.2.721.2.application", "exporttool-honeypot.application",
                            "exporttool-inconsistent.application"]
    static let ntlmBlobs = ["ntlm-qualcomm.b64", "ntlm-sharepoint.b64", "ntlm-smb-toolkit.b64", "ntlm-minimal.b64"]
    static let heads = ["eas-bearer-2019-cu14.http", "autodiscover-401-2019-cu11.http", "logon-200-2019-cu9.http",
                        "root-302-lookback.http", "owa-302-lookback.http", "mapi-nspi-2016.http", "hma-bearer-contoso.http",
                        "exo-bearer-wildcard.http", "exo-owa-service.http", "deception-nginx.http", "rewritten-header.http",
                        "havoc-c2-profile.http", "flask-fake-exo.http", "rackspace-hosted.http", "errorfe-302.http",
                        "exchange-2010-logon-200.http", "exchange-2010-header-14.1.http", "ntlm-401-ews.http"]
}

/// SplitMix64: a tiny deterministic generator so mutation tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Mutations {
    /// `count` copies of `input`, each with 1–8 random byte changes (flip, replace, insert, delete).
    static func mutate(_ input: [UInt8], count: Int, seed: UInt64) -> [[UInt8]] {
        var rng = SplitMix64(seed: seed)
        var out: [[UInt8]] = []
        for _ in 0..<count {
            var bytes = input
            let edits = Int.random(in: 1...8, using: &rng)
            for _ in 0..<edits where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<4, using: &rng) {
                case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &rng))
                case 1: bytes[at] = UInt8.random(in: 0...255, using: &rng)
                case 2: bytes.insert(UInt8.random(in: 0...255, using: &rng), at: at)
                default: bytes.remove(at: at)
                }
            }
            out.append(bytes)
        }
        return out
    }

    /// Every cut point for small inputs; otherwise `samples` deterministic cut points plus the edges.
    static func cuts(_ count: Int, samples: Int = 300, seed: UInt64 = 1) -> [Int] {
        if count <= 4096 { return Array(0...count) }
        var rng = SplitMix64(seed: seed)
        var cuts = Set([0, 1, count - 1, count])
        while cuts.count < samples { cuts.insert(Int.random(in: 0...count, using: &rng)) }
        return cuts.sorted()
    }
}
