/// How a lookup of many keys is cut into parts that run at once: the one rule the engine and the
/// stores share.
///
/// The engine cuts a large lookup into several parts per core, each smaller than ``threshold``, so
/// a store it calls never cuts them again; a store cuts only the large lookups other callers make.
public enum LookupSplit {
    /// Lookups of fewer keys than this run as one part.
    public static let threshold = 256

    /// The ranges of the parts of a lookup of `count` keys of which `concurrency` may run at once.
    ///
    /// - Parameters:
    ///   - count: The keys looked up.
    ///   - concurrency: How many parts may run at once: cores, or connections.
    /// - Returns: One range of all `count` keys below ``threshold`` keys or with a concurrency of
    ///   one; else `concurrency` ranges of nearly equal size, in order, covering `0..<count`.
    public static func parts(count: Int, concurrency: Int) -> [Range<Int>] {
        guard count >= threshold, concurrency > 1 else { return count > 0 ? [0..<count] : [] }
        let size = (count + concurrency - 1) / concurrency
        return stride(from: 0, to: count, by: size).map { $0..<min($0 + size, count) }
    }
}
