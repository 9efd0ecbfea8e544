internal import EmbeddingCache
internal import Foundation

/// Bit flips in a closed store's files, remembering which pages and side files they hit.
struct Damage {
    private let path: String
    private let map: RecordPages
    private let pageSize: Int
    private let fileSize: Int
    /// Bits flipped so far.
    private(set) var flips = 0
    /// Database pages flipped, counting from 1.
    private(set) var pages = Set<Int>()
    /// Side files flipped, by name.
    private(set) var sideFiles = Set<String>()

    init(path: String, map: RecordPages) throws {
        self.path = path
        self.map = map
        let header = try Self.read(path, at: 16, count: 2)
        pageSize = Int(header[0]) << 8 | Int(header[1])
        fileSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
    }

    /// Whether any byte `key`'s record lives on was flipped.
    func hits(_ key: RecordPages.Key, _ map: RecordPages) -> Bool {
        !(map.pages[key] ?? []).isDisjoint(with: pages) || sideFiles.contains { $0.contains("-\(key.digest.hex)-") }
    }

    /// Flips one to eight bits in each of one to three targets chosen for `fault`.
    mutating func inject(_ fault: RepairTrial.Fault, using generator: inout SplitMix64) {
        let pageCount = fileSize / pageSize
        func pagesOf(_ names: [String]) -> [Int] { names.flatMap { map.trees[$0] ?? [] } }
        let targets = Int.random(in: 1...3, using: &generator)
        for _ in 0..<targets {
            let bits = Int.random(in: 1...8, using: &generator)
            switch fault {
            case .header:
                flip(bits, in: 0..<100, using: &generator)
            case .anywhere:
                flip(bits, in: 0..<fileSize, using: &generator)
            case .sideFiles:
                let names = (try? FileManager.default.contentsOfDirectory(atPath: "\(path).blobs"))?.sorted() ?? []
                guard let name = names.randomElement(using: &generator) else { continue }
                flipSideFile(name, bits, using: &generator)
            case .entryPages, .indexPages, .namespacePages:
                let names =
                    fault == .entryPages
                    ? ["entry"]
                    : fault == .indexPages
                        ? ["entry_key", "entry_last_used", "sqlite_autoindex_namespace_1"] : ["namespace"]
                guard let page = pagesOf(names).randomElement(using: &generator), page <= pageCount else { continue }
                let start = (page - 1) * pageSize
                flip(bits, in: start..<start + pageSize, using: &generator)
            }
        }
    }

    private mutating func flip(_ bits: Int, in range: Range<Int>, using generator: inout SplitMix64) {
        for _ in 0..<bits {
            let offset = Int.random(in: range, using: &generator)
            Self.flip(path, at: offset, bit: Int.random(in: 0..<8, using: &generator))
            pages.insert(offset / pageSize + 1)
            flips += 1
        }
    }

    private mutating func flipSideFile(_ name: String, _ bits: Int, using generator: inout SplitMix64) {
        let file = "\(path).blobs/\(name)"
        let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0
        guard size > 0 else { return }
        for _ in 0..<bits {
            Self.flip(
                file,
                at: Int.random(in: 0..<size, using: &generator),
                bit: Int.random(in: 0..<8, using: &generator)
            )
            flips += 1
        }
        sideFiles.insert(name)
    }

    private static func read(_ path: String, at offset: Int, count: Int) throws -> [UInt8] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(offset))
        return Array(try handle.read(upToCount: count) ?? Data())
    }

    private static func flip(_ path: String, at offset: Int, bit: Int) {
        guard let handle = FileHandle(forUpdatingAtPath: path) else { return }
        defer { try? handle.close() }
        try? handle.seek(toOffset: UInt64(offset))
        guard let byte = try? handle.read(upToCount: 1)?.first else { return }
        try? handle.seek(toOffset: UInt64(offset))
        try? handle.write(contentsOf: Data([byte ^ UInt8(1 << bit)]))
    }
}
