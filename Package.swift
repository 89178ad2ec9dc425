// swift-tools-version:6.2
import PackageDescription

/// HTTP over TLS on SwiftNIO, with certificates: what the scanner and the simulated servers share.
let httpOverTLS: [Target.Dependency] = [
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOSSL", package: "swift-nio-ssl"),
    .product(name: "X509", package: "swift-certificates"),
    .product(name: "SwiftASN1", package: "swift-asn1"),
]

let package = Package(
    name: "exscope",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "exscope", targets: ["exscope"]),
        .executable(name: "exscope-sim", targets: ["exscope-sim"]),
        .library(name: "ExScopeCore", targets: ["ExScopeCore"]),
        .library(name: "ExScopeProbes", targets: ["ExScopeProbes"]),
        .library(name: "ExScopeTesting", targets: ["ExScopeTesting"]),
        .library(name: "ExScopeGraph", targets: ["ExScopeGraph"]),
        .library(name: "ExScopeGeo", targets: ["ExScopeGeo"]),
        .library(name: "ExScopeStore", targets: ["ExScopeStore"]),
        .library(name: "ExScopeStorePostgres", targets: ["ExScopeStorePostgres"]),
        .library(name: "ExScopeDashboard", targets: ["ExScopeDashboard"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Pure: no network, no files, no clock. Everything it needs is passed in.
        .target(name: "ExScopeCore", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The scanner: targets, probes and the runner on SwiftNIO.
        .target(
            name: "ExScopeProbes",
            dependencies: ["ExScopeCore"] + httpOverTLS + [
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .target(name: "CLinuxEvents", condition: .when(platforms: [.linux])),
            ]
        ),
        // epoll and eventfd, for the scanner's connector (Linux).
        .systemLibrary(name: "CLinuxEvents"),
        // Fleet simulator and fake servers (Exchange, hostile) for tests, benchmarks and the demo.
        .target(
            name: "ExScopeTesting",
            dependencies: ["ExScopeCore"] + httpOverTLS + [
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA-2048 keys for handshakes that cost what real Exchange certificates cost.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Microsoft Graph and Entra sign-in on AsyncHTTPClient: read the tenant, clean the shared
        // service principal, read directory audits. Secrets never leave this module's redacting types.
        .target(
            name: "ExScopeGraph",
            dependencies: [
                "ExScopeCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // libmaxminddb (Debian's libmaxminddb-dev), read through its C API.
        .systemLibrary(name: "CMaxMindDB", pkgConfig: "libmaxminddb", providers: [.apt(["libmaxminddb-dev"])]),
        // Country and ASN per address: MaxMind DB files, or the IPFire country ranges tor-geoipdb ships.
        .target(name: "ExScopeGeo", dependencies: ["ExScopeCore", "CMaxMindDB"]),
        // zstd (Debian's libzstd-dev): the SQLite store keeps each result's record compressed.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        // The result store: scans, observations, verdicts and reports on SQLite (GRDB). No NIO here.
        .target(name: "ExScopeStore", dependencies: ["ExScopeCore", "CZstd", .product(name: "GRDB", package: "GRDB.swift"),
                                             .product(name: "GRDBSQLite", package: "GRDB.swift")]),
        // The same store API on PostgreSQL, for sharded scans and teams.
        .target(
            name: "ExScopeStorePostgres",
            dependencies: [
                "ExScopeCore",
                "ExScopeStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // The errors of a failed connection, to name their cause.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The web dashboard and the HTML report: reads results through `DashboardDataSource`; never scans.
        .target(
            name: "ExScopeDashboard",
            dependencies: [
                "ExScopeCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The commands, kept in a library so tests can parse them without a process.
        .target(
            name: "ExScopeCLI",
            dependencies: [
                "ExScopeCore",
                "ExScopeProbes",
                "ExScopeTesting",
                "ExScopeGraph",
                "ExScopeGeo",
                "ExScopeStore",
                "ExScopeStorePostgres",
                "ExScopeDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The thin executable: the only place logging is bootstrapped.
        .executableTarget(name: "exscope", dependencies: ["ExScopeCLI", .product(name: "Logging", package: "swift-log")]),
        // The fleet simulator as a program, for benchmarks, demos and manual scans.
        .executableTarget(
            name: "exscope-sim",
            dependencies: ["ExScopeTesting", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "exscope-bench",
            dependencies: ["ExScopeCore"],
            path: "benchmarks/exscope-bench"
        ),
        .executableTarget(
            name: "exscope-store-bench",
            dependencies: ["ExScopeCore", "ExScopeGeo", "ExScopeStore", "ExScopeTesting", "ExScopeCLI"],
            path: "benchmarks/exscope-store-bench"
        ),
        .testTarget(name: "ExScopeCoreTests", dependencies: ["ExScopeCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ExScopeProbesTests", dependencies: ["ExScopeProbes", "ExScopeTesting"]),
        .testTarget(name: "ExScopeGeoTests", dependencies: ["ExScopeGeo", "ExScopeTesting"]),
        .testTarget(name: "ExScopeStoreTests", dependencies: [
            "ExScopeStore", "ExScopeStorePostgres", "ExScopeGeo", "ExScopeTesting", "ExScopeCore",
            .product(name: "GRDB", package: "GRDB.swift"),
            .product(name: "GRDBSQLite", package: "GRDB.swift"),
        ]),
        .executableTarget(
            name: "exscope-dashboard-bench",
            dependencies: ["ExScopeCore"],
            path: "benchmarks/dashboard-bench"
        ),
        .testTarget(
            name: "ExScopeDashboardTests",
            dependencies: [
                "ExScopeDashboard", "ExScopeTesting", "ExScopeProbes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "ExScopeCLITests", dependencies: [
            "ExScopeCLI", "exscope", "ExScopeTesting", .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(
            name: "ExScopeGraphTests",
            dependencies: ["ExScopeGraph", "ExScopeCore", "ExScopeTesting", "ExScopeCLI", "exscope"]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
