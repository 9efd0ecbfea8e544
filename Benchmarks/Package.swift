// swift-tools-version:6.1
// The benchmarks and the measuring probes, in a package of their own: building embcache's
// libraries and CLI (the package one folder up) never builds them or their dependencies.
// Build: swift build -c release --package-path Benchmarks --product embcache-benchmarks
// (Scripts/benchmark.sh does it and runs them). They use embcache through its library products only.
import PackageDescription

let package = Package(
    name: "embcache-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "embcache", path: ".."),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        .systemLibrary(name: "CBenchmarkLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .target(
            name: "CEmbeddingCacheBenchmarkBaselines",
            dependencies: ["CBenchmarkLibPNG", .product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .executableTarget(
            name: "embcache-benchmarks",
            dependencies: [
                "CEmbeddingCacheBenchmarkBaselines",
                .product(name: "EmbeddingCache", package: "embcache"),
                .product(name: "EmbeddingCacheImages", package: "embcache"),
                .product(name: "EmbeddingCacheSQLite", package: "embcache"),
                .product(name: "EmbeddingCacheSQLiteTesting", package: "embcache"),
                .product(name: "EmbeddingCachePostgres", package: "embcache"),
                .product(name: "EmbeddingCacheEncoders", package: "embcache"),
                .product(name: "EmbeddingCacheTesting", package: "embcache"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "embcache-layout-probe",
            dependencies: [
                .product(name: "EmbeddingCache", package: "embcache"),
                .product(name: "EmbeddingCacheSQLite", package: "embcache"),
                .product(name: "EmbeddingCacheTesting", package: "embcache"),
            ]
        ),
    ]
)

for target in package.targets where target.type == .executable {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
