/// The version `embcache --version` prints; the one place it is written.
enum EmbcacheVersion {
    static let current = "0.1.0"
}
