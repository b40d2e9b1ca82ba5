// swift-tools-version:6.2
import PackageDescription

// The framework's own ceiling for bench/api-throughput: a minimal Hummingbird server answering
// the provisioner's bytes for one deployment from memory. Built by the benchmark, never shipped.
let package = Package(
    name: "hummingbird-floor",
    platforms: [.macOS(.v15)],
    dependencies: [.package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1")],
    targets: [
        .executableTarget(name: "HummingbirdFloor", dependencies: [.product(name: "Hummingbird", package: "hummingbird")])
    ]
)
