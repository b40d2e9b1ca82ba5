import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension DashboardTests {
    /// Five clusters: e0...e3 at prometheus 25.18.0 (e1 drifted, e2's latest deployment failed,
    /// e3's running), e4 at 25.19.0.
    func seededFleet() async throws -> [Cluster] {
        var clusters: [Cluster] = []
        for index in 0..<5 {
            let cluster = try await register("e\(index)")
            clusters.append(cluster)
            var utilities = UtilityMetadata(actualVersions: ["prometheus": UtilityVersion(chart: index == 4 ? "25.19.0" : "25.18.0")])
            if index == 1 { utilities.drift = ["prometheus": DriftStatus(state: .drifted, reasons: ["replicas changed"], checkedAt: 1)] }
            _ = try await store.query(
                "UPDATE clusters SET utilities = $1, drifted = $2 WHERE id = $3",
                [.text(String(decoding: try WireJSON.encoder().encode(utilities), as: UTF8.self)), .integer(index == 1 ? 1 : 0), .text(cluster.id)]
            )
        }
        var failed = Deployment.running(cluster: clusters[2].id, service: "prometheus", chart: ChartRequest(version: "25.19.0"))
        failed.state = .failed
        failed.createAt = Date().millisecondsSince1970
        let running = Deployment.running(cluster: clusters[3].id, service: "prometheus", chart: ChartRequest(version: "25.19.0"))
        try await store.createDeployments([failed], desiredVersions: nil)
        try await store.createDeployments([running], desiredVersions: nil)
        return clusters
    }

    func rows(_ path: String) async throws -> [String] {
        try await page(path).text.matches(of: /<tr data-cluster="([a-z0-9]+)">/).map { String($0.output.1) }
    }

    @Test("the fleet page shows each service's versions with failed and drifted counts, and who needs attention one click away")
    func fleetSummary() async throws {
        let clusters = try await seededFleet()
        let text = try await page("/").text

        #expect(text.contains(#"<tr><th>prometheus</th><td class="version">25.18.0</td>"#), "the most common version first")
        #expect(text.contains("<td>4 clusters, 1 failed, 1 drifted</td>"))
        #expect(text.contains("<td>1 cluster</td>"))
        let attention = try #require(text.range(of: "<section class=\"attention bad\" id=\"attention\">"))
        let link = try #require(text.range(of: "<a href=\"/ui/cluster/\(clusters[2].id)\">e2</a> <span class=\"reason\">prometheus failed</span>"))
        #expect(attention.lowerBound < link.lowerBound)
    }

    @Test("each count card is a link that narrows the grid to those clusters")
    func cardsFilterTheGrid() async throws {
        let clusters = try await seededFleet()
        let text = try await page("/").text
        for show in ["failed", "drifted", "inflight"] { #expect(text.contains("href=\"/?show=\(show)\""), "\(show)") }

        #expect(try await rows("/?show=failed") == [clusters[2].id])
        #expect(try await rows("/?show=drifted") == [clusters[1].id])
        #expect(try await rows("/?show=inflight") == [clusters[3].id])
        #expect(try await rows("/?show=anything").count == 5)
    }

    @Test("the compact view draws one cell per cluster, coloured by its worst state, each a link")
    func compactView() async throws {
        let clusters = try await seededFleet()
        let text = try await page("/?view=compact").text

        #expect(try await rows("/?view=compact").isEmpty, "no table")
        let cells = text.matches(of: /<a class="dot (\w+)" href="\/ui\/cluster\/([a-z0-9]+)"/).map { (String($0.output.2), String($0.output.1)) }
        #expect(cells.map(\.0) == clusters.map(\.id))
        #expect(cells.map(\.1) == ["ok", "warn", "bad", "run", "ok"])
    }
}
