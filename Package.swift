// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "embcache",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EmbeddingCache", targets: ["EmbeddingCache"]),
        .library(name: "EmbeddingCacheSQLite", targets: ["EmbeddingCacheSQLite"]),
        .library(name: "EmbeddingCacheEncoders", targets: ["EmbeddingCacheEncoders"]),
        .library(name: "EmbeddingCacheTesting", targets: ["EmbeddingCacheTesting"]),
        .executable(name: "embcache", targets: ["embcache"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .target(name: "CEmbeddingCacheChecksum"),
        .target(
            name: "EmbeddingCache",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "CEmbeddingCacheChecksum",
            ]
        ),
        .target(
            name: "EmbeddingCacheSQLite",
            dependencies: [
                "EmbeddingCache",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "EmbeddingCacheEncoders",
            dependencies: ["EmbeddingCache", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "EmbeddingCacheTesting", dependencies: ["EmbeddingCache"]),
        .executableTarget(
            name: "embcache",
            dependencies: [
                "EmbeddingCache",
                "EmbeddingCacheSQLite",
                "EmbeddingCacheEncoders",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "embcache-layout-probe",
            dependencies: ["EmbeddingCache", "EmbeddingCacheSQLite", "EmbeddingCacheTesting"]
        ),
        .executableTarget(
            name: "embcache-benchmarks",
            dependencies: [
                "EmbeddingCache",
                "EmbeddingCacheSQLite",
                "EmbeddingCacheEncoders",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/Sources/embcache-benchmarks"
        ),
        .testTarget(
            name: "EmbeddingCacheTests",
            dependencies: ["EmbeddingCache", "EmbeddingCacheTesting", "EmbeddingCacheEncoders"]
        ),
        .testTarget(
            name: "EmbeddingCacheSQLiteTests",
            dependencies: ["EmbeddingCacheSQLite", "EmbeddingCacheTesting", "EmbeddingCacheEncoders"]
        ),
        .testTarget(
            name: "EmbeddingCacheEncodersTests",
            dependencies: ["EmbeddingCacheEncoders", "EmbeddingCache"]
        ),
        .testTarget(
            name: "embcacheTests",
            dependencies: ["embcache", "EmbeddingCacheSQLite", "EmbeddingCacheTesting"]
        ),
    ]
)

for target in package.targets where target.type != .system && target.name != "CEmbeddingCacheChecksum" {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
