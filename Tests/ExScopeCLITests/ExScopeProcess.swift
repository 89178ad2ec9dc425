import Foundation

/// Runs the built `exscope` binary and captures what it prints.
struct ExScopeProcess {
    var status: Int32
    var stdout: String
    var stderr: String

    /// The folder with the built products: the test bundle sits next to `exscope`.
    static let productsDirectory: URL = {
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        while url.path != "/" {
            url = url.deletingLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("exscope").path) { return url }
        }
        fatalError("cannot find the built exscope binary near \(CommandLine.arguments[0])")
    }()

    /// - Parameter descriptorLimit: runs it under `ulimit -n` of this many open files.
    static func run(_ arguments: [String], stdin: String? = nil, descriptorLimit: Int? = nil) throws -> ExScopeProcess {
        let process = Process()
        let exscope = productsDirectory.appendingPathComponent("exscope")
        if let descriptorLimit {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "ulimit -n \(descriptorLimit) && exec \"$0\" \"$@\"", exscope.path] + arguments
        } else {
            process.executableURL = exscope
            process.arguments = arguments
        }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // Read both pipes before waiting so a large output cannot block the child.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ExScopeProcess(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                              stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Standard output as JSON objects, one a line.
    func jsonLines() throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw CocoaError(.coderReadCorrupt)
            }
            return object
        }
    }
}

func temporaryFile(_ name: String, contents: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("exscope-test-\(UUID().uuidString)-\(name)")
    try Data(contents.utf8).write(to: url)
    return url
}
