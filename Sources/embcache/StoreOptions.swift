import ArgumentParser
import Foundation

/// `--store LOCATION`, shared by every command that opens the cache.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where the cache lives: a SQLite file path.",
            discussion: """
                Without --store, the EMBCACHE_STORE environment variable; without it, \
                $EMBCACHE_DIR/cache.sqlite, else $XDG_CACHE_HOME/embcache/cache.sqlite, \
                else ~/.cache/embcache/cache.sqlite.
                """,
            valueName: "location"
        )
    )
    var store: String?

    /// The location to open: `--store`, else `EMBCACHE_STORE`, else the default file.
    var location: String {
        if let store { return store }
        if let variable = ProcessInfo.processInfo.environment["EMBCACHE_STORE"], !variable.isEmpty { return variable }
        return StoreLocation.defaultLocation
    }

    func validate() throws {
        if store?.isEmpty == true { throw ValidationError("--store needs a location") }
    }
}
