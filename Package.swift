// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "embcache",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EmbeddingCache", targets: ["EmbeddingCache"]),
        .library(name: "EmbeddingCacheSQLite", targets: ["EmbeddingCacheSQLite"]),
        .library(name: "EmbeddingCachePostgres", targets: ["EmbeddingCachePostgres"]),
        .library(name: "EmbeddingCacheEncoders", targets: ["EmbeddingCacheEncoders"]),
        .library(name: "EmbeddingCacheImages", targets: ["EmbeddingCacheImages"]),
        .library(name: "EmbeddingCacheDatasets", targets: ["EmbeddingCacheDatasets"]),
        .library(name: "EmbeddingCacheTesting", targets: ["EmbeddingCacheTesting"]),
        .library(name: "EmbeddingCacheSQLiteTesting", targets: ["EmbeddingCacheSQLiteTesting"]),
        .library(name: "EmbeddingCacheUpstream", targets: ["EmbeddingCacheUpstream"]),
        .library(name: "EmbeddingCacheHTTP", targets: ["EmbeddingCacheHTTP"]),
        .executable(name: "embcache", targets: ["embcache"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        .target(name: "CEmbeddingCacheChecksum"),
        .systemLibrary(name: "CLibPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CLibJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
        .target(name: "CEmbeddingCacheImageCodecs", dependencies: ["CLibPNG", "CLibJPEG"]),
        .target(
            name: "EmbeddingCacheImages",
            dependencies: [
                "EmbeddingCache", "CEmbeddingCacheImageCodecs", .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "EmbeddingCache",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "CEmbeddingCacheChecksum",
            ]
        ),
        .target(
            name: "CEmbeddingCacheSQLiteVFS",
            dependencies: [.product(name: "GRDBSQLite", package: "GRDB.swift")]
        ),
        .target(
            name: "EmbeddingCacheSQLite",
            dependencies: [
                "EmbeddingCache",
                "CEmbeddingCacheSQLiteVFS",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "EmbeddingCachePostgres",
            dependencies: [
                "EmbeddingCache",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "EmbeddingCacheEncoders",
            dependencies: [
                "EmbeddingCache", "EmbeddingCacheImages", "EmbeddingCacheUpstream",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "EmbeddingCacheDatasets",
            dependencies: ["EmbeddingCache", "EmbeddingCacheEncoders", "EmbeddingCacheImages"]
        ),
        .target(
            name: "EmbeddingCacheUpstream",
            dependencies: [
                "EmbeddingCache",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "EmbeddingCacheHTTP",
            dependencies: [
                "EmbeddingCache",
                "EmbeddingCacheUpstream",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .target(name: "EmbeddingCacheTesting", dependencies: ["EmbeddingCache"]),
        .target(
            name: "EmbeddingCacheSQLiteTesting",
            dependencies: [
                "EmbeddingCache", "EmbeddingCacheSQLite", "EmbeddingCacheTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "EmbeddingCacheSimulation",
            dependencies: ["EmbeddingCache", "EmbeddingCacheImages", "EmbeddingCacheSQLite", "EmbeddingCacheEncoders"]
        ),
        .executableTarget(
            name: "embcache",
            dependencies: [
                "EmbeddingCache",
                "EmbeddingCacheSQLite",
                "EmbeddingCachePostgres",
                "EmbeddingCacheEncoders",
                "EmbeddingCacheImages",
                "EmbeddingCacheDatasets",
                "EmbeddingCacheSimulation",
                "EmbeddingCacheUpstream",
                "EmbeddingCacheHTTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EmbeddingCacheTests",
            dependencies: [
                "EmbeddingCache", "EmbeddingCacheTesting", "EmbeddingCacheEncoders", "CEmbeddingCacheChecksum",
            ]
        ),
        .testTarget(
            name: "EmbeddingCacheSQLiteTests",
            dependencies: [
                "EmbeddingCacheSQLite", "EmbeddingCacheTesting", "EmbeddingCacheSQLiteTesting",
                "EmbeddingCacheEncoders",
            ]
        ),
        .testTarget(
            name: "EmbeddingCacheEncodersTests",
            dependencies: [
                "EmbeddingCacheEncoders", "EmbeddingCacheImages", "EmbeddingCache", "EmbeddingCacheTesting",
            ],
            exclude: ["Vectors"]
        ),
        .testTarget(
            name: "EmbeddingCachePostgresTests",
            dependencies: [
                "EmbeddingCachePostgres", "EmbeddingCacheTesting",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        .testTarget(
            name: "EmbeddingCacheImagesTests",
            dependencies: ["EmbeddingCacheImages", "EmbeddingCache", "EmbeddingCacheTesting"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "EmbeddingCacheSimulationTests",
            dependencies: [
                "EmbeddingCacheSimulation", "EmbeddingCache", "EmbeddingCacheImages", "EmbeddingCacheEncoders",
                "EmbeddingCacheTesting",
            ]
        ),
        .testTarget(
            name: "EmbeddingCacheDatasetsTests",
            dependencies: [
                "EmbeddingCacheDatasets", "EmbeddingCache", "EmbeddingCacheEncoders", "EmbeddingCacheTesting",
            ]
        ),
        .testTarget(
            name: "EmbeddingCacheHTTPTests",
            dependencies: [
                "EmbeddingCacheHTTP", "EmbeddingCacheUpstream", "EmbeddingCache",
                "EmbeddingCacheEncoders",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "embcacheTests",
            dependencies: [
                "embcache", "EmbeddingCacheSQLite", "EmbeddingCacheTesting", "EmbeddingCacheImages",
                "EmbeddingCacheDatasets",
            ]
        ),
    ]
)

// C targets, and only they, are named `C…`; Swift settings apply to every other target.
for target in package.targets where target.type != .system && !target.name.hasPrefix("C") {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
