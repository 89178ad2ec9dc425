// Benchmarks that print the figures the issues ask for. Run in release:
//   swift run -c release exscope-bench [verdict|catalog|fingerprint|all]
// or scripts/bench. Numbers are for one core (the loops are single-threaded).
import ExScopeCore

let which = CommandLine.arguments.dropFirst().first ?? "all"
let benches: [(String, () throws -> Void)] = [
    ("catalog", CatalogBench.run),
    ("verdict", VerdictBench.run),
    ("fingerprint", FingerprintBench.run),
    ("record", RecordBench.run),
]
var ran = false
for (name, bench) in benches where which == "all" || which == name {
    try bench()
    ran = true
}
if !ran {
    print("usage: exscope-bench [all|\(benches.map(\.0).joined(separator: "|"))]")
}
