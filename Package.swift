// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "exscope",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "exscope", targets: ["exscope"]),
        .library(name: "ExScopeCore", targets: ["ExScopeCore"]),
        .library(name: "ExScopeProbes", targets: ["ExScopeProbes"]),
        .library(name: "ExScopeTesting", targets: ["ExScopeTesting"]),
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
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Pure: no network, no files, no clock. Everything it needs is passed in.
        .target(name: "ExScopeCore", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The scanner: targets, probes and the runner on SwiftNIO.
        .target(
            name: "ExScopeProbes",
            dependencies: [
                "ExScopeCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Fleet simulator and fake servers (Exchange, hostile) for tests, benchmarks and the demo.
        .target(
            name: "ExScopeTesting",
            dependencies: [
                "ExScopeCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA-2048 keys for handshakes that cost what real Exchange certificates cost.
                .product(name: "_CryptoExtras", package: "swift-crypto"),
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
                "ExScopeDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "exscope", dependencies: ["ExScopeCLI"]),
        .executableTarget(
            name: "exscope-bench",
            dependencies: ["ExScopeCore"],
            path: "benchmarks/exscope-bench"
        ),
        .executableTarget(
            name: "exscope-dashboard-bench",
            dependencies: [
                "ExScopeCore", "ExScopeDashboard",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "benchmarks/dashboard-bench"
        ),
        .testTarget(name: "ExScopeCoreTests", dependencies: ["ExScopeCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ExScopeProbesTests", dependencies: ["ExScopeProbes", "ExScopeTesting"]),
        .testTarget(
            name: "ExScopeDashboardTests",
            dependencies: [
                "ExScopeDashboard", "ExScopeTesting", "ExScopeProbes",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(name: "ExScopeCLITests", dependencies: ["ExScopeCLI", "exscope", "ExScopeTesting"]),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
