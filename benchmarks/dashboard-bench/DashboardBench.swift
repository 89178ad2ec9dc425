// The dashboard benchmark (issue 7): 1,000,000 in-memory records, overview render time and a
// filtered host page render time, then (with --serve PORT) the dashboard on 127.0.0.1 for wrk.
//   swift run -c release exscope-dashboard-bench FIXTURE.jsonl [--serve PORT]
// scripts/bench-dashboard runs it with the fixture the test suite writes.
import ExScopeCore
import ExScopeDashboard
import Foundation
import Hummingbird
import HummingbirdTesting

@main
struct DashboardBench {
    static let clock = ContinuousClock()

    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let path = arguments.first, let data = FileManager.default.contents(atPath: path) else {
            print("usage: exscope-dashboard-bench FIXTURE.jsonl [--serve PORT]")
            exit(2)
        }
        let templates = try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(ScanRecord.self, from: Data($0)) }
        let total = 1_000_000
        let countries = [("US", "United States"), ("DE", "Germany"), ("RU", "Russia"), ("FR", "France"), ("GB", "United Kingdom"),
                         ("AT", "Austria"), ("CA", "Canada"), ("NL", "Netherlands"), ("IT", "Italy"), ("JP", "Japan")]
        let started = clock.now
        var records: [ScanRecord] = []
        records.reserveCapacity(total)
        for i in 0..<total {
            var record = templates[i % templates.count]
            // Public-looking addresses: 11.0.0.0 upwards, one per record.
            let n = 0x0B00_0000 + i
            record.ip = "\(n >> 24).\((n >> 16) & 255).\((n >> 8) & 255).\(n & 255)"
            records.append(record)
        }
        let source = InMemoryDataSource(scans: [.init(name: "bench", records: records)]) { record in
            guard let ip = record.ip, let last = ip.split(separator: ".").last.flatMap({ Int($0) }) else { return nil }
            let (code, name) = countries[last % countries.count]
            return HostLocation(countryCode: code, countryName: name, asn: 64_500 + last % 50, asName: nil)
        }
        records = []
        print("load and index \(total) records: \(clock.now - started)")

        let dashboard = try Dashboard(source: source)
        @Sendable func time(_ label: String, runs: Int = 10, _ body: () async throws -> Int) async throws {
            _ = try await body()
            var best = Duration.seconds(1000), sum = Duration.zero, bytes = 0
            for _ in 0..<runs {
                let start = clock.now
                bytes = try await body()
                let elapsed = clock.now - start
                sum += elapsed
                best = min(best, elapsed)
            }
            print("\(label): best \(best), mean \(sum / runs) (\(bytes) bytes)")
        }
        let app = Application(router: dashboard.router())
        try await app.test(.router) { client in
            func get(_ uri: String) async throws -> Int {
                try await client.execute(uri: uri, method: .get) { response in
                    precondition(response.status == .ok, "\(uri): \(response.status)")
                    return response.body.readableBytes
                }
            }
            try await time("overview page (GET /)") { try await get("/") }
            try await time("overview data only (/api/overview)") { try await get("/api/overview") }
            try await time("filtered hosts page (GET /hosts?status=vulnerable&country=DE&confidence=medium)") {
                try await get("/hosts?status=vulnerable&country=DE&confidence=medium")
            }
            try await time("filtered hosts page, product+CU+ASN") {
                try await get("/hosts?product=Exchange%20Server%202019&cu=CU14&asn=64503&confidence=low")
            }
            try await time("first hosts page, no filter") { try await get("/hosts") }
        }
        if let flag = arguments.dropFirst().first, flag == "--serve", let port = arguments.dropFirst(2).first.flatMap({ Int($0) }) {
            print("serving on 127.0.0.1:\(port)")
            try await dashboard.application(host: "127.0.0.1", port: port).runService()
        }
    }
}
