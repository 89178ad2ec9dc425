// Store benchmarks (issue 5): import + enrichment of 1,000,000 results into SQLite,
// `report --by country` over them, and country lookups per second on one core.
import ExScopeCLI
import ExScopeCore
import ExScopeGeo
import ExScopeStore
import ExScopeTesting
import Foundation

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    return seconds(ContinuousClock.now - start)
}

func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
}

let count = Int(ProcessInfo.processInfo.environment["EXSCOPE_BENCH_RESULTS"] ?? "") ?? 1_000_000
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-store-bench-\(getpid())")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { if ProcessInfo.processInfo.environment["EXSCOPE_BENCH_KEEP"] == nil { try? FileManager.default.removeItem(at: folder) } }

// 1. A synthetic scan of `count` vulnerable hosts (the August 2025 mix, repeated).
let generator = ExposureTableGenerator.august2025()
let rounds = (count + ExposureTableGenerator.august2025Total - 1) / ExposureTableGenerator.august2025Total
let scanFile = folder.appendingPathComponent("bench.jsonl")
let rangeFile = folder.appendingPathComponent("ranges")
// Written as the lines are made, never held all at once: a million lines are 3.4 GB, and a benchmark holding
// them (11.6 GB at its peak) pushed the file it had just written out of the page cache, so that the import
// it then timed read its input from the disk.
let decodeSample: [String] = try {
    var sample: [String] = [], pending = "", written = 0
    FileManager.default.createFile(atPath: scanFile.path, contents: nil)
    let output = try FileHandle(forWritingTo: scanFile)
    defer { try? output.close() }
    try generator.forEachLine(catalog: Catalog.bundled(), scan: "bench", multiplier: rounds) { line in
        guard written < count else { return }
        if sample.count < 100_000 { sample.append(line) }
        pending += line + "\n"
        written += 1
        if written % 10_000 == 0 || written == count {
            try output.write(contentsOf: Data(pending.utf8))
            pending = ""
        }
    }
    // On disk before anything is timed: otherwise the kernel writes these gigabytes back while the import
    // runs, and the import's own writes wait behind them. A file one imports was written long before.
    try output.synchronize()
    return sample
}()
try Data(generator.rangeFile().utf8).write(to: rangeFile)
let store = folder.appendingPathComponent("bench.sqlite").path
let bytes = (try FileManager.default.attributesOfItem(atPath: scanFile.path)[.size] as? Int) ?? 0
/// The machine is shared: every figure is printed with the load average it was measured under.
func load() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)).map { "load average " + $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "load average unknown"
}
print("input: \(count) results, \(bytes / 1_000_000) MB of JSON Lines; \(ProcessInfo.processInfo.activeProcessorCount) cores; \(load())")

// 2a. Decoding alone (the strict line reader), to tell parsing from storing.
let decoder = ScanLineDecoder()
var decoded = 0
let decodeTime = try await seconds {
    for line in decodeSample { _ = try decoder.decode(Substring(line)); decoded += 1 }
}
print(String(format: "decoding alone: %.0f lines/s", Double(decoded) / decodeTime))

// 2. Import + enrichment through the real command, with the CPU it used (all threads), which the
// other processes on the machine change much less than the elapsed time.
/// The CPU time of this process so far (user and system, all threads), in seconds.
func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
let cpuBefore = cpuSeconds()
let importTime = await seconds {
    _ = await ExScope.run(arguments: ["import", scanFile.path, "--store", store, "--geoip-ranges", rangeFile.path])
}
let importCPU = cpuSeconds() - cpuBefore
print(String(format: "import + enrichment into SQLite: %.2f s, %.0f results/s (target >= 100,000/s); %@", importTime, Double(count) / importTime, load()))
print(String(format: "import CPU: %.2f s (user + system, all threads) = %.1f µs per result", importCPU, importCPU / Double(count) * 1e6))
let storeBytes = (try FileManager.default.attributesOfItem(atPath: store)[.size] as? Int) ?? 0
print("store file: \(storeBytes / 1_000_000) MB (\(storeBytes / count) bytes per result)")

// 2b. The same rows loaded by SQLite alone: an import with this schema cannot be faster on this machine.
let floorStore = try SQLiteStore(path: folder.appendingPathComponent("floor.sqlite").path)
var copy: (results: Int, phases: [(name: String, time: Duration)]) = (0, [])
let floorTime = try await seconds {
    copy = try await floorStore.copyResults(from: store)
    try await floorStore.close()
}
let phases = copy.phases.map { String(format: "%@ %.2f s", $0.name, seconds($0.time)) }
print(String(format: "SQLite alone, the same %d results copied into an empty store by SQL (the import's transaction, settings and index rebuild): %.2f s (%@, then close), so at most %.0f results/s for an import into this schema here; %@",
             copy.results, floorTime, phases.joined(separator: ", "), Double(copy.results) / floorTime, load()))

// 3. Reports over them: the target is --by country; the others join the verdicts.
for (label, extra) in [("--by country", ["--by", "country"]), ("--by cu", ["--by", "cu"]),
                       ("--by country --finding CVE-2025-53786", ["--by", "country", "--finding", "CVE-2025-53786"])] {
    var reportTimes: [Double] = []
    for _ in 0..<3 {
        reportTimes.append(await seconds {
            _ = await ExScope.run(arguments: ["report", "--top", "7", "--store", store, "--format", "csv"] + extra)
        })
    }
    print(String(format: "report %@ over %d results: best %.3f s, median %.3f s (target < 1 s for --by country); %@", label, count,
                 reportTimes.min() ?? 0, reportTimes.sorted()[1], load()))
}

// 4. Country lookups on one core, against tor-geoipdb's file when installed, else the synthetic ranges.
let files = DefaultGeoFiles.rangeFiles(environment: ProcessInfo.processInfo.environment) ?? [rangeFile.path]
let ranges = try CountryRanges(paths: files)
var state: UInt32 = 0x1234_5678
let addresses = (0..<4_000_000).map { _ -> UInt32 in
    state ^= state << 13; state ^= state >> 17; state ^= state << 5
    return state
}
var found = 0
let lookupTime = await seconds {
    for address in addresses where ranges.code(v4: address) != 0 { found += 1 }
}
print(String(format: "country lookups (%@, %d IPv4 ranges): %.0f lookups/s on one core (target >= 2,000,000/s); %d of %d had a country",
             files[0], ranges.counts.v4, Double(addresses.count) / lookupTime, found, addresses.count))
let texts = addresses.prefix(1_000_000).map { "\($0 >> 24).\($0 >> 16 & 255).\($0 >> 8 & 255).\($0 & 255)" }
var located = 0
let enricher = GeoEnricher(countryDatabase: nil, asnDatabase: nil, ranges: ranges)
let textTime = await seconds {
    for text in texts where (try? enricher.locate(text).country) != nil { located += 1 }
}
print(String(format: "country lookups from address text (parse + classify + search): %.0f/s", Double(texts.count) / textTime))
