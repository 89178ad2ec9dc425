// exscope-sim: plays a fleet of Exchange (and not-Exchange, and hostile) hosts on loopback,
// one 127.x.y.z address each, for scanning by `exscope scan`, benchmarks and demos.
import ArgumentParser
import ExScopeCore
import ExScopeTesting
import Foundation

@main
struct Simulator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exscope-sim",
        abstract: "Simulate a fleet of Exchange servers on loopback (127.0.0.0/8 only).",
        discussion: "Writes the ground truth of every address (JSON Lines) and serves until interrupted (Ctrl-C or SIGTERM)."
    )

    @Option(help: "Number of simulated hosts.")
    var hosts = 1000

    @Option(help: "Seed of the persona mix.")
    var seed: UInt64 = 1

    @Option(help: "First address; host i gets base + i. Must be in 127.0.0.0/8.")
    var base = "127.10.0.1"

    @Option(help: "Port every host listens on (0: pick a free one).")
    var port = 0

    @Option(help: "Persona mix: default, exchange-only or well-behaved.")
    var mix = "default"

    @Flag(name: .customLong("plain-http"), help: "Serve plain HTTP instead of TLS.")
    var plainHTTP = false

    @Flag(help: "P-256 certificates instead of RSA-2048 (Exchange's own and most public CAs' key): a cheaper handshake.")
    var ecdsa = false

    @Option(help: ArgumentHelp("Write the ground truth here (JSON Lines).", valueName: "file"))
    var truth: String?

    func run() async throws {
        let fleetMix: FleetMix
        switch mix {
        case "default": fleetMix = .default
        case "exchange-only": fleetMix = .exchangeOnly
        case "well-behaved": fleetMix = .wellBehaved
        default: throw ValidationError("--mix must be default, exchange-only or well-behaved")
        }
        var configuration = FleetSimulator.Configuration(hosts: hosts, seed: seed, baseAddress: base, port: port,
                                                         tls: !plainHTTP, mix: fleetMix)
        if ecdsa { configuration.keyAlgorithm = .p256 }
        let simulator = try FleetSimulator(configuration: configuration, catalog: try Catalog.bundled())
        try await simulator.start()
        if let truth {
            try Data(try simulator.groundTruthJSONLines().utf8).write(to: URL(fileURLWithPath: truth))
        }
        let last = simulator.hosts.last?.ip ?? base
        let line = "exscope-sim: \(simulator.hosts.count) hosts on \(base)-\(last) port \(simulator.port) (\(plainHTTP ? "HTTP" : "TLS"))\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        await waitForSignal()
        try await simulator.stop()
    }

    private func waitForSignal() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = Once(continuation)
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler { once.fire() }
                source.resume()
                Once.keep(source)
            }
        }
    }
}

/// Resumes a continuation once, from whichever signal comes first.
final class Once: @unchecked Sendable {
    // The lock guards the continuation; the sources are kept alive for the process's lifetime.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }

    func fire() {
        let pending = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }

    static func keep(_ source: any DispatchSourceSignal) { sources.append(source) }
}


