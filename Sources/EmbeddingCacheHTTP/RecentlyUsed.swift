/// A map holding at most ``capacity`` values: adding one to a full map evicts the value used least
/// recently (read or added).
///
/// ```swift
/// var caches = RecentlyUsed<String, Int>(capacity: 2)
/// caches["a"] = 1; caches["b"] = 2
/// _ = caches["a"]              // a is now the most recently used
/// caches["c"] = 3              // evicts b
/// ```
struct RecentlyUsed<Key: Hashable, Value> {
    /// The most values kept.
    let capacity: Int
    private var entries: [Key: (value: Value, use: UInt64)] = [:]
    private var uses: UInt64 = 0

    /// Creates an empty map.
    ///
    /// - Parameter capacity: The most values kept; at least 1.
    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// The value of `key`, marked as used now; setting a value evicts the least recently used one
    /// when the map is full and `key` is new.
    ///
    /// - Complexity: O(1), and O(``capacity``) to add to a full map.
    subscript(key: Key) -> Value? {
        mutating get {
            guard let entry = entries[key] else { return nil }
            uses += 1
            entries[key] = (entry.value, uses)
            return entry.value
        }
        set {
            guard let newValue else {
                entries[key] = nil
                return
            }
            if entries[key] == nil, entries.count >= capacity,
                let oldest = entries.min(by: { $0.value.use < $1.value.use })?.key
            {
                entries[oldest] = nil
            }
            uses += 1
            entries[key] = (newValue, uses)
        }
    }

    /// The keys held, in no particular order.
    var keys: Dictionary<Key, (value: Value, use: UInt64)>.Keys { entries.keys }
}
