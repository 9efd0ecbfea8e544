extension DatabasePages {
    /// The pages on the file's freelist, or none when the freelist does not hold together.
    ///
    /// Free pages may still hold rows deleted before the damage (SQLite zeroes them only when built
    /// with `SECURE_DELETE`), which must not come back. The list is trusted only when it is whole:
    /// its trunk pages chain from the header's first trunk without leaving the file or looping,
    /// and the pages they list number exactly what the header counts. A flipped bit in the header's
    /// fields or in a trunk page breaks that, and then no page is excluded.
    func freePages() -> Set<Int> {
        guard let header = page(1), let first = header.uint32(at: 32), let count = header.uint32(at: 36),
            count > 0, count < pageCount
        else { return [] }
        var free = Set<Int>()
        var trunk = first
        while trunk != 0 {
            guard trunk >= 2, free.insert(trunk).inserted, let page = page(trunk), let next = page.uint32(at: 0),
                let leaves = page.uint32(at: 4), leaves <= pageSize / 4 - 2
            else { return [] }
            for index in 0..<leaves {
                guard let leaf = page.uint32(at: 8 + 4 * index), leaf >= 2, leaf <= pageCount,
                    free.insert(leaf).inserted
                else { return [] }
            }
            trunk = next
        }
        return free.count == count ? free : []
    }
}
