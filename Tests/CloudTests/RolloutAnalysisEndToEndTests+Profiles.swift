import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

extension RolloutAnalysisEndToEndTests {
    /// The profile `edge`: prometheus at `version` on every cluster, its changes rolled out with a
    /// canary judged by the error ratio, undone on failure.
    static func profile(_ version: String, prometheus: String, duration: String = "3s") -> String {
        """
        name: edge
        selector: {matchLabels: {env: prod}}
        services:
          prometheus: {chartVersion: \(version)}
        strategy:
          canary: 1
          batchSize: 100%
          analysis:
            prometheus: {url: "\(prometheus)"}
            checks:
              - {name: errors, query: 'max(app_error_ratio{cluster="{{cluster.name}}"})', max: 0.05}
            interval: 1s
            duration: \(duration)
            failureLimit: 2
            onFailure: undo
        """
    }

    @Test("a profile revision whose rollout is undone is held: the clusters keep what they had until a new revision, which rolls out again")
    func profileRevisionHeld() async throws {
        let setup = try await Setup(installed: false, serverArguments: ["--profile-interval", "1s"])
        defer { setup.close() }
        let fleet = setup.fleet
        func apply(_ version: String, duration: String = "3s") async throws {
            let document = Self.profile(version, prometheus: setup.prometheus.baseURL, duration: duration)
            let reply = try await fleet.servers[0].request("PUT", "/api/profile/edge", body: Data(document.utf8))
            #expect(reply.status == 200, "\(reply.text)")
        }
        func status() async throws -> ProfileStatus { try await fleet.send("GET", "/api/profile/edge/status").decode(ProfileStatus.self) }
        try await apply("25.18.0")
        #expect(await eventually(timeout: .seconds(180)) { (try? await status())?.counts == ["in-sync": 4] })

        try await setup.exporter.set("c0", 0.2)
        try await apply("25.19.0")
        var held: ProfileStatus?
        #expect(
            await eventually(timeout: .seconds(180)) {
                held = try? await status()
                return held?.counts == ["held": 4]
            },
            "\(String(describing: held))"
        )
        if held?.held == nil, let id = held?.clusters.first?.rolloutID {
            Issue.record("the rollout the profile made: \(try await fleet.send("GET", "/api/rollout/\(id)").text)")
        }
        let heldRevision = try #require(held?.held)
        #expect(heldRevision.revision == 2)
        #expect(try await fleet.waitFor(heldRevision.undoneBy).state == .succeeded)
        #expect(try await setup.charts(0).last == "prometheus-25.18.0")
        let rollouts = try await fleet.send("GET", "/api/rollouts").decode([Rollout].self)
        #expect(rollouts.count == 2, "the keeper's passes since the undo started no rollout: \(rollouts.map(\.selection))")

        // Revision 3 renders the same chart as 2 (only the analysis differs): held clusters get it.
        try await setup.exporter.set("c0", 0.01)
        try await apply("25.19.0", duration: "2s")
        #expect(await eventually(timeout: .seconds(180)) { (try? await status())?.counts == ["in-sync": 4] })
        for index in 0..<4 { #expect(try await setup.charts(index).last == "prometheus-25.19.0") }
    }
}
