import ExScopeCore
import Foundation

/// Targets read lazily from a file or standard input, one a line, `#` comments allowed
/// (ZMap's output is one address a line). Blocks in the file are walked in order.
/// A bad line stops the input; ``error`` names it.
final class FileTargets: Sequence {
    private let file: UnsafeMutablePointer<FILE>
    private let source: String
    private let ports: [Int]
    private let exclusions: ExclusionList
    private(set) var error: String?
    private var readAny = false
    static let maximumLineLength = 4096

    init(path: String, ports: [Int], exclusions: ExclusionList) throws {
        if path == "-" {
            guard let input = fdopen(dup(STDIN_FILENO), "r") else {
                throw ExScopeFailure.badInput("cannot read standard input")
            }
            file = input
            source = "standard input"
        } else {
            guard let opened = fopen(path, "r") else {
                throw ExScopeFailure.badInput("cannot read target file \(path): \(String(cString: strerror(errno)))")
            }
            // fopen opens a folder for reading; its first read fails with EISDIR, which looked like an empty file.
            var info = stat()
            if fstat(fileno(opened), &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                fclose(opened)
                throw ExScopeFailure.badInput("cannot read target file \(path): it is a directory")
            }
            file = opened
            source = path
        }
        self.ports = ports
        self.exclusions = exclusions
    }

    deinit {
        fclose(file)
    }

    func makeIterator() -> Iterator { Iterator(owner: self) }

    struct Iterator: IteratorProtocol {
        let owner: FileTargets
        var lineNumber = 0
        var current: (block: AddressBlock?, name: String?, ports: [Int], index: UInt128)?

        mutating func next() -> ScanTarget? {
            while true {
                if let item = current {
                    let total = (item.block?.count ?? 1) * UInt128(item.ports.count)
                    if item.index < total {
                        current?.index += 1
                        let port = item.ports[Int(item.index % UInt128(item.ports.count))]
                        let offset = item.index / UInt128(item.ports.count)
                        if let block = item.block {
                            let address = block[offset]
                            return ScanTarget(address: address, hostname: nil, port: port,
                                              exclusion: owner.exclusions.exclusion(for: address, named: block), named: true)
                        }
                        return ScanTarget(address: nil, hostname: item.name, port: port, named: true)
                    }
                    current = nil
                }
                guard owner.error == nil, let line = owner.readLine() else { return nil }
                lineNumber += 1
                guard line.utf8.count <= FileTargets.maximumLineLength else {
                    owner.error = "\(owner.source):\(lineNumber): line longer than \(FileTargets.maximumLineLength) bytes"
                    return nil
                }
                let content = (line.firstIndex(of: "#").map { line[..<$0] } ?? line[...]).trimmingCharacters(in: .whitespaces)
                if content.isEmpty { continue }
                // ZMap CSV output: the address is the first field.
                let field = content.split(separator: ",", maxSplits: 1).first.map(String.init) ?? content
                do {
                    switch try TargetSpec(parsing: field) {
                    case .addresses(let block, let port):
                        current = (block, nil, port.map { [$0] } ?? owner.ports, 0)
                    case .hostname(let name, let port):
                        current = (nil, name, port.map { [$0] } ?? owner.ports, 0)
                    }
                } catch {
                    owner.error = "\(owner.source):\(lineNumber): \((error as? TargetError)?.reason ?? "\(error)")"
                    return nil
                }
            }
        }
    }

    fileprivate func readLine() -> String? {
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        let length = getline(&buffer, &capacity, file)
        guard length >= 0, let buffer else { return nil }
        var bytes = UnsafeBufferPointer(start: UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: length)[...]
        while let last = bytes.last, last == 0x0A || last == 0x0D { bytes = bytes.dropLast() }
        // A UTF-8 byte order mark (Windows editors write one) before the first line is not part of it.
        if !readAny, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        readAny = true
        return String(decoding: bytes, as: UTF8.self)
    }
}
