// The dashboard benchmark's input (issue 7): 1,000,000 results made from the dashboard test
// fixture's scanned hosts, each on its own public-looking address, and a country range file for
// them. scripts/bench-dashboard imports them into a SQLite store and measures `exscope serve`.
//   swift run -c release exscope-dashboard-bench FIXTURE.jsonl OUTPUT-FOLDER [COUNT]
import ExScopeCore
import Foundation

@main
struct DashboardBench {
    /// Countries by /20 block: the k-th /20 from 11.0.0.0 belongs to `countries[k % 10]`.
    static let countries = ["US", "DE", "RU", "FR", "GB", "AT", "CA", "NL", "IT", "JP"]

    static func main() throws {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard arguments.count >= 2, let data = FileManager.default.contents(atPath: arguments[0]) else {
            print("usage: exscope-dashboard-bench FIXTURE.jsonl OUTPUT-FOLDER [COUNT]")
            exit(2)
        }
        let total = arguments.count > 2 ? Int(arguments[2]) ?? 1_000_000 : 1_000_000
        let folder = URL(fileURLWithPath: arguments[1])
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let templates = try data.split(separator: UInt8(ascii: "\n")).map { try JSONDecoder().decode(ScanRecord.self, from: Data($0)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard FileManager.default.createFile(atPath: folder.appendingPathComponent("results.jsonl").path, contents: nil) else {
            print("cannot write to \(folder.path)")
            exit(3)
        }
        let output = try FileHandle(forWritingTo: folder.appendingPathComponent("results.jsonl"))
        var chunk = Data()
        for i in 0..<total {
            var record = templates[i % templates.count]
            let n = 0x0B00_0000 + i
            record.ip = "\(n >> 24).\((n >> 16) & 255).\((n >> 8) & 255).\(n & 255)"
            chunk.append(try encoder.encode(record))
            chunk.append(UInt8(ascii: "\n"))
            if chunk.count > 8 << 20 {
                try output.write(contentsOf: chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        try output.write(contentsOf: chunk)
        try output.close()
        // tor's `low,high,CC` format, one line per /20 used.
        let blocks = (0...((total - 1) >> 12)).map { k in
            let low = 0x0B00_0000 + k << 12
            return "\(low),\(low + 0xFFF),\(countries[k % countries.count])"
        }
        try (blocks.joined(separator: "\n") + "\n").write(to: folder.appendingPathComponent("ranges"), atomically: true, encoding: .utf8)
        print("wrote \(total) results and \(blocks.count) country ranges to \(folder.path)")
    }
}
