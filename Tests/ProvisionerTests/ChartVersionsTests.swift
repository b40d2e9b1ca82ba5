import FleetAPI
import Foundation
import HTTPTypes
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// `GET /api/service/{name}/versions`: what the cloud server checks a profile's chart versions
/// against, read where helm would find the chart.
@Suite("Chart versions a provisioner offers")
struct ChartVersionsTests {
    @Test("from a chart directory: the versions its archives and folders hold, newest first")
    func chartDirectory() async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }

        let versions = try await provisioner.server.request(.get, "/api/service/fluentbit/versions").decode(ChartVersions.self)

        #expect(versions == ChartVersions(service: "fluentbit", chart: "fluent-bit", source: "chart directory", versions: ["0.58.1", "0.40.0"]))
    }

    @Test("from a repository: its index as helm cached it; refresh=true reads a version published since")
    func repository() async throws {
        let repository = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: repository) }
        try FileManager.default.copyItem(atPath: "\(Testbed.charts)/prometheus-25.18.0", toPath: "\(repository)/prometheus-25.18.0")
        // Served for the service's repository URL in place of the testbed's own charts.
        let provisioner = try await InProcessProvisioner.start(
            configure: { $0.chartDirectory = nil },
            configureHelm: { $0.environment["TESTBED_CHARTS"] = repository }
        )
        defer { provisioner.stop() }
        func versions(_ query: String = "") async throws -> ChartVersions {
            try await provisioner.server.request(.get, "/api/service/prometheus/versions\(query)").decode(ChartVersions.self)
        }

        let before = try await versions()
        try FileManager.default.copyItem(atPath: "\(Testbed.charts)/prometheus-25.19.0", toPath: "\(repository)/prometheus-25.19.0")
        let cached = try await versions()
        let refreshed = try await versions("?refresh=true")

        #expect(before.source == "https://prometheus-community.github.io/helm-charts" && before.chart == "prometheus")
        #expect(before.versions == ["25.18.0"])
        #expect(cached.versions == ["25.18.0"])
        #expect(refreshed.versions == ["25.19.0", "25.18.0"])
    }

    @Test("an unknown service is 404 naming the known ones; a refresh that is not a boolean is refused")
    func refusals() async throws {
        let provisioner = try await InProcessProvisioner.start()
        defer { provisioner.stop() }

        let unknown = try await provisioner.server.request(.get, "/api/service/nope/versions")
        let badRefresh = try await provisioner.server.request(.get, "/api/service/nginx/versions?refresh=yes")

        #expect(unknown.status == 404 && unknown.text.contains("known services: ") && unknown.text.contains("prometheus"))
        #expect(badRefresh.status == 400 && badRefresh.error?.field == "refresh")
    }
}
