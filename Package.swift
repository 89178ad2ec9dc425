// swift-tools-version:6.2
import PackageDescription

let package = Package(
    name: "exscope",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "exscope", targets: ["exscope"]),
        .library(name: "ExScopeCore", targets: ["ExScopeCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        // Pure: no network, no files, no clock. Everything it needs is passed in.
        .target(name: "ExScopeCore", linkerSettings: [.linkedLibrary("m", .when(platforms: [.linux]))]),
        // The commands, kept in a library so tests can parse them without a process.
        .target(
            name: "ExScopeCLI",
            dependencies: [
                "ExScopeCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "exscope", dependencies: ["ExScopeCLI"]),
        .executableTarget(
            name: "exscope-bench",
            dependencies: ["ExScopeCore"],
            path: "benchmarks/exscope-bench"
        ),
        .testTarget(name: "ExScopeCoreTests", dependencies: ["ExScopeCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "ExScopeCLITests", dependencies: ["ExScopeCLI", "exscope"]),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    target.swiftSettings = settings
}
