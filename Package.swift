// swift-tools-version:6.2
import Foundation
import PackageDescription

// The compiler settings Hummingbird builds with, where they fit: every existential spelled `any`,
// and a file sees a module's members only when it imports that module.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Two executables over four libraries (docs/architecture.md draws them). The provisioner must never link libsqlite3 or libpq
// (it is stateless by design), so CSQLite and CPostgres are dependencies of `cloud` only.
let package = Package(
    name: "cloud",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "cloud", targets: ["cloud"]),
        .executable(name: "provisioner", targets: ["provisioner"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "CPostgres",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(name: "CProcessShims"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The wire types both servers and the CLI speak (the Go tool's JSON) and their parsing.
        .target(
            name: "FleetAPI",
            dependencies: [.product(name: "Crypto", package: "swift-crypto"), .product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // HTTP calls out (libcurl): the cloud server to provisioners, the CLI, Kubernetes and AWS.
        .target(
            name: "HTTPClient",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        // Traces: W3C trace context between the CLI, both servers and helm runs; spans exported as
        // OTLP/HTTP JSON over libcurl (swift-otel's exporters would add AsyncHTTPClient, SwiftProtobuf
        // and minutes to every clean build; docs/operating.md says what was measured).
        .target(
            name: "Telemetry",
            dependencies: [
                "HTTPClient",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // What both servers share to answer HTTP: options, logs, TLS, metrics, errors, tokens, clock.
        .target(
            name: "ServerSupport",
            dependencies: [
                "FleetAPI",
                "HTTPClient",
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // Child processes with deadlines, bounded output and process-group signals: helm for the
        // provisioner, git for the cloud server's profiles.
        .target(name: "ChildProcess", dependencies: ["FleetAPI", "CProcessShims"], swiftSettings: swiftSettings),
        // The provisioner's hands: helm, the Kubernetes API and AWS. The cloud server never links it.
        .target(
            name: "HelmDriver",
            dependencies: [
                "FleetAPI",
                "HTTPClient",
                "ChildProcess",
                "CZlib",
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Lists the services declared in Sources/provisioner/Services (ServiceCatalog.declared).
        .executableTarget(name: "ServiceCatalogGenerator"),
        .plugin(name: "ServiceCatalogPlugin", capability: .buildTool(), dependencies: ["ServiceCatalogGenerator"]),
        .executableTarget(
            name: "provisioner",
            dependencies: [
                "FleetAPI",
                "HTTPClient",
                "ServerSupport",
                "HelmDriver",
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            // Every service's shipped values, `Services/values/NAME.yaml`, and the objects of those
            // deployed as objects, `Services/objects/NAME.objects.yaml`, by one rule: each file there
            // becomes `PackageResources.NAME_yaml` (`NAME_objects_yaml`), found at each build, so adding
            // one edits nothing here.
            resources: [.embedInCode("Services/values"), .embedInCode("Services/objects"), .embedInCode("API/openapi.json")],
            swiftSettings: swiftSettings,
            plugins: ["ServiceCatalogPlugin"]
        ),
        .executableTarget(
            name: "cloud",
            dependencies: [
                "ChildProcess",
                "FleetAPI",
                "HTTPClient",
                "ServerSupport",
                "Telemetry",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                "CSQLite",
                "CPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            // The dashboard's templates and its stylesheet and script, in the binary: it needs no files.
            resources: [.embedInCode("API/openapi.json"), .embedInCode("Dashboard/templates"), .embedInCode("Dashboard/static")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                "FleetAPI", "HTTPClient", "ServerSupport", "HelmDriver", "ChildProcess", "Telemetry", .product(name: "Logging", package: "swift-log"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LibraryTests",
            dependencies: [
                "FleetAPI", "HTTPClient", "ServerSupport", "HelmDriver", "ChildProcess", "TestSupport", "Telemetry",
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ProvisionerTests",
            dependencies: ["provisioner", "FleetAPI", "HTTPClient", "ServerSupport", "HelmDriver", "ChildProcess", "TestSupport", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CloudTests",
            dependencies: ["cloud", "FleetAPI", "HTTPClient", "ServerSupport", "ChildProcess", "TestSupport", .product(name: "CoreMetrics", package: "swift-metrics")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ChaosTests",
            dependencies: ["cloud", "FleetAPI", "ServerSupport", "TestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer harness for the parsers that take outside input. Only with FUZZ=1 (see `make fuzz`):
// it has no main of its own (libFuzzer's is linked in by -sanitize=fuzzer), so a normal build skips it.
if ProcessInfo.processInfo.environment["FUZZ"] == "1" {
    package.targets.append(.executableTarget(name: "FuzzParsers", dependencies: ["FleetAPI", "ServerSupport", "HelmDriver"], path: "Fuzz/FuzzParsers"))
}
