import EmbeddingCacheImages

/// A Burkhard-Keller tree over 64-bit hashes under the Hamming distance: the alternative index the
/// near-duplicates benchmark measures next to the multi-index search that embcache uses.
struct BKTree {
    private struct Node {
        let position: Int
        /// Child node per distance from this node's hash (0…64); -1 for none.
        var children = [Int](repeating: -1, count: 65)
    }

    private let hashes: [UInt64]
    private var nodes: [Node] = []

    /// Builds the tree, inserting the hashes in order.
    init(_ hashes: [PerceptualHash]) {
        self.hashes = hashes.map(\.bits)
        nodes.reserveCapacity(hashes.count)
        for position in hashes.indices { insert(position) }
    }

    private mutating func insert(_ position: Int) {
        guard !nodes.isEmpty else { return nodes.append(Node(position: position)) }
        var current = 0
        while true {
            let distance = (hashes[nodes[current].position] ^ hashes[position]).nonzeroBitCount
            let child = nodes[current].children[distance]
            if child < 0 {
                nodes[current].children[distance] = nodes.count
                return nodes.append(Node(position: position))
            }
            current = child
        }
    }

    /// The number of hashes within `maxDistance` of each of `queries` (positions), other than
    /// the query itself, summed.
    func matchCount(of queries: some Sequence<Int>, maxDistance: Int) -> Int {
        var count = 0
        var stack: [Int] = []
        for query in queries {
            stack.append(0)
            while let current = stack.popLast() {
                let distance = (hashes[nodes[current].position] ^ hashes[query]).nonzeroBitCount
                if distance <= maxDistance, nodes[current].position != query { count += 1 }
                let low = max(0, distance - maxDistance)
                let high = min(64, distance + maxDistance)
                for child in nodes[current].children[low...high] where child >= 0 { stack.append(child) }
            }
        }
        return count
    }
}
