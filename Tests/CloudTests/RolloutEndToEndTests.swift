import FleetAPI
import Foundation
import HelmDriver
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Rollouts across fleets of emulated clusters, with real provisioners, helm and cloud servers.
@Suite("Rollouts end to end", .serialized, .tags(.integration), .skippedInFastRuns)
struct RolloutEndToEndTests {
    @Test("12 labelled clusters, one canary, batches of 25%, a 2 s soak: waves never overlap and every release is at the new version")
    func twelveClustersInWaves() async throws {
        let fleet = try await RolloutFleet(clusters: 12) { ["env=prod", $0 < 6 ? "region=eu" : "region=us"] }
        defer { fleet.close() }
        let rollout = try await fleet.startRollout(
            "25.18.0",
            ["All": .null, "Selector": ["env": "prod"], "Canary": 1, "BatchSize": "25%", "SoakSeconds": 2]
        )
        #expect(rollout.waves.map(\.count) == [1, 3, 3, 3, 2])

        let done = try await fleet.waitFor(rollout.id)
        #expect(done.state == .succeeded, "\(done.error ?? "")")
        #expect(done.clusters.allSatisfy { $0.state == .succeeded })
        #expect(done.history.count { $0.state == RolloutState.soaking.rawValue } == 4)

        // From the recorded times: each wave's first deployment was created after the previous
        // wave's last one ended and its soak passed.
        var waves: [[Deployment]] = []
        for ids in done.waves {
            var wave: [Deployment] = []
            for id in ids {
                let deploymentID = try #require(done.cluster(id)?.deploymentID)
                wave.append(try await fleet.send("GET", "/api/deployment/\(deploymentID)").decode(Deployment.self))
            }
            waves.append(wave)
        }
        for (previous, next) in zip(waves, waves.dropFirst()) {
            let ended = try #require(previous.map(\.endAt).max())
            let started = try #require(next.map(\.createAt).min())
            #expect(started >= ended + 2000, "a wave started \(ended + 2000 - started) ms before the previous one ended and soaked")
        }
        for index in fleet.clusters.indices {
            let latest = try await fleet.history(index).last
            #expect(latest?.revision == 1 && latest?.status == .deployed && latest?.chart == "prometheus-25.18.0")
            let utilities = try await fleet.send("GET", "/api/cluster/\(fleet.clusters[index].id)/utilities").decode(UtilityMetadata.self)
            #expect(utilities.desiredVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
            #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        }
    }

    @Test("a cluster that never becomes ready halts the rollout before later clusters are touched; resume with a budget finishes it; undo restores")
    func failureHaltsResumeUndo() async throws {
        let fleet = try await RolloutFleet(clusters: 5, offline: [2])
        defer { fleet.close() }
        let healthy = [0, 1, 3, 4].map { fleet.clusters[$0].id }
        let installed = try await fleet.startRollout(
            "25.18.0",
            ["All": .null, "Clusters": .array(healthy.map(JSONValue.string)), "BatchSize": "100%"]
        )
        #expect(try await fleet.waitFor(installed.id).state == .succeeded)

        // The offline cluster fails at this timeout; the healthy ones must install within it on a loaded CI host.
        let rollout = try await fleet.startRollout("25.19.0", ["BatchSize": "1", "TimeoutSeconds": 20])
        let halted = try await fleet.waitFor(rollout.id)
        #expect(halted.state == .halted)
        #expect(halted.clusters.map(\.state) == [.succeeded, .succeeded, .failed, .waiting, .waiting])
        #expect(halted.clusters[2].reason?.isEmpty == false)
        for index in [3, 4] {
            #expect(try await fleet.history(index).map(\.chart) == ["prometheus-25.18.0"], "a cluster after the halt was touched")
            let desired = try await fleet.send("GET", "/api/cluster/\(fleet.clusters[index].id)/utilities").decode(UtilityMetadata.self)
            #expect(desired.desiredVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        }

        #expect(try await fleet.control(rollout.id, "resume").status == 409, "the budget still does not cover the failure")
        #expect(try await fleet.control(rollout.id, "resume", ["MaxFailures": "1"]).status == 200)
        let finished = try await fleet.waitFor(rollout.id)
        #expect(finished.state == .succeeded)
        #expect(finished.clusters.map(\.state) == [.succeeded, .succeeded, .failed, .succeeded, .succeeded])
        #expect(try await fleet.history(4).last?.chart == "prometheus-25.19.0")

        let undoReply = try await fleet.control(rollout.id, "undo")
        #expect(undoReply.status == 201)
        let undo = try undoReply.decode(RolloutPrinter.View.self).rollout
        #expect(undo.undoes == rollout.id)
        #expect(undo.clusters.map(\.clusterID) == healthy, "the failed cluster was not changed, so it is not undone")
        #expect(undo.clusters.allSatisfy { $0.target == DeploymentSpec(action: .apply, chart: ChartRequest(version: "25.18.0")) })
        #expect(try await fleet.waitFor(undo.id).state == .succeeded)
        for index in [0, 1, 3, 4] {
            let latest = try await fleet.history(index).last
            #expect(latest?.chart == "prometheus-25.18.0" && latest?.revision == 3)
        }
    }

    @Test("approval gate, pause and resume, 409 on overlap, cancel, skip of clusters already at the version, and the CLI")
    func gatesAndControls() async throws {
        let fleet = try await RolloutFleet(clusters: 4, readyAfter: 2)
        defer { fleet.close() }
        let rollout = try await fleet.startRollout("25.18.0", ["Canary": 1, "BatchSize": "1", "Approval": "after-canary"])
        try await fleet.waitFor(rollout.id) { $0.rollout.state == .waitingApproval }
        #expect(try await fleet.rollout(rollout.id).counts == RolloutReport.Counts(succeeded: 1, waiting: 3))
        #expect(try await fleet.deployments(of: 1).isEmpty)

        let overlap = try await fleet.send(
            "POST",
            "/api/rollouts",
            ["Service": "prometheus", "Chart": ["Version": "25.19.0"], "Clusters": [.string(fleet.clusters[3].id)]]
        )
        #expect(overlap.status == 409 && overlap.error?.error.contains(rollout.id) == true)

        #expect(try await fleet.control(rollout.id, "approve").status == 200)
        try await fleet.waitFor(rollout.id) { $0.rollout.clusters[1].state == .running }
        #expect(try await fleet.control(rollout.id, "pause").status == 200)
        let paused = try await fleet.waitFor(rollout.id) { $0.rollout.clusters[1].state == .succeeded }
        #expect(paused.state == .paused && paused.clusters[2].state == .waiting, "no wave starts while paused")

        #expect(try await fleet.control(rollout.id, "resume").status == 200)
        try await fleet.waitFor(rollout.id) { $0.rollout.clusters[2].state == .running }
        let cancelled = try await fleet.control(rollout.id, "cancel").decode(RolloutPrinter.View.self).rollout
        #expect(cancelled.state == .cancelled && cancelled.clusters[3].state == .cancelled)
        let inFlight = try #require(cancelled.clusters[2].deploymentID)
        #expect(try await fleet.send("GET", "/api/deployment/\(inFlight)").decode(Deployment.self).state != .requested)
        #expect(try await fleet.deployments(of: 3).isEmpty, "a cluster after the cancel got a deployment")
        #expect(try await fleet.history(3).isEmpty, "a cluster after the cancel was touched")
        let untouched = try await fleet.send("GET", "/api/cluster/\(fleet.clusters[3].id)/utilities").decode(UtilityMetadata.self)
        #expect(untouched.desiredVersions["prometheus"] == nil)

        let again = try await fleet.startRollout(
            "25.18.0",
            ["All": .null, "Clusters": [.string(fleet.clusters[0].id), .string(fleet.clusters[1].id)], "BatchSize": "100%"]
        )
        let skipped = try await fleet.waitFor(again.id)
        #expect(skipped.state == .succeeded && skipped.clusters.allSatisfy { $0.state == .skipped })
        #expect(try await fleet.deployments(of: 0).count == 1, "a skipped cluster runs no helm")

        // The CLI: a refusal is one line and exit 1; wait --watch prints plain progress off a terminal.
        let cloud = ServerProcess.binary("cloud")
        let server = ["--server", fleet.servers[0].baseURL]
        let refused = try await CommandRun.run(
            cloud,
            ["rollout", "create", "--service", "prometheus", "--chart-version", "25.18.0", "--all", "--batch-size", "0"] + server
        )
        #expect(refused.status == 1 && refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("BatchSize"))
        let waited = try await CommandRun.run(cloud, ["rollout", "wait", "--rollout", again.id, "--watch"] + server)
        #expect(waited.status == 0 && waited.stderr.contains("succeeded: wave 1/1, 0 succeeded, 0 failed, 0 running, 0 waiting, 2 skipped"))
        let failedWait = try await CommandRun.run(cloud, ["rollout", "wait", "--rollout", rollout.id] + server)
        #expect(failedWait.status == 1 && failedWait.stderr.contains("ended cancelled"))
        let table = try await CommandRun.run(cloud, ["rollout", "get", "--rollout", rollout.id, "--output", "table"] + server)
        #expect(table.status == 0 && table.stdout.contains("cancelled: wave 3/4") && table.stdout.contains("waiting-approval"))
    }

    @Test("rollout create --plan shows each cluster's change before anything is applied, and starts nothing")
    func planBeforeRollout() async throws {
        let fleet = try await RolloutFleet(clusters: 3)
        defer { fleet.close() }
        let first = try await fleet.startRollout("25.18.0", ["All": .null, "Clusters": [.string(fleet.clusters[0].id)], "BatchSize": "100%"])
        #expect(try await fleet.waitFor(first.id).state == .succeeded)

        let cloud = ServerProcess.binary("cloud")
        let server = ["--server", fleet.servers[0].baseURL]
        let arguments = ["rollout", "create", "--service", "prometheus", "--chart-version", "25.18.0", "--all", "--canary", "1", "--plan"]
        let table = try await CommandRun.run(cloud, arguments + ["--output", "table"] + server)
        #expect(table.status == 2, "\(table.stdout)\(table.stderr)")
        let lines = table.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
        #expect(lines.first?.prefix(4) == ["WAVE", "CLUSTER", "NAME", "ADD"])
        #expect(lines.dropFirst().map { $0[2] } == ["c0", "c1", "c2"])
        #expect(lines[1][0] == "1" && lines[1][3...5] == ["0", "0", "0"], "the canary already runs 25.18.0")
        #expect(lines[2][0] == "2" && Int(lines[2][3])! > 0, "c1 would get every object")
        #expect(try await fleet.send("GET", "/api/rollouts").decode([RolloutPrinter.View].self).count == 1, "a plan starts no rollout")
        #expect(try await fleet.history(1).isEmpty, "a plan installs nothing")

        let json = try await CommandRun.run(cloud, arguments + server)
        let rows = try WireJSON.decoder().decode([RolloutPlanning.Row].self, from: Data(json.stdout.utf8))
        #expect(rows.map { $0.deployment.plan?.hasChanges } == [false, true, true])
    }

    @Test("the cloud server SIGKILLed mid-rollout and restarted finishes it with no wave run twice")
    func serverKilledMidRollout() async throws {
        let fleet = try await RolloutFleet(clusters: 6, readyAfter: 2)
        defer { fleet.close() }
        let rollout = try await fleet.startRollout("25.18.0", ["BatchSize": "2"])
        try await fleet.waitFor(rollout.id) { $0.currentWave == 2 }
        try await fleet.killServer(0, restart: true)
        let done = try await fleet.waitFor(rollout.id)
        #expect(done.state == .succeeded)
        for index in fleet.clusters.indices {
            #expect(try await fleet.deployments(of: index).count == 1)
            #expect(try await fleet.history(index).count == 1)
        }
    }

    @Test(
        "two cloud servers on one PostgreSQL database advance one rollout together; one SIGKILLed",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func twoServersShareARollout() async throws {
        let database = try await StoreDatabase.make(.postgres)
        let fleet = try await RolloutFleet(clusters: 6, readyAfter: 2, database: database.location, servers: 2)
        defer { fleet.close() }
        let rollout = try await fleet.startRollout("25.18.0", ["BatchSize": "2"])
        try await fleet.waitFor(rollout.id, via: 1) { $0.currentWave == 2 }
        try await fleet.killServer(0, restart: false)
        let done = try await fleet.waitFor(rollout.id, via: 1)
        #expect(done.state == .succeeded)
        for index in fleet.clusters.indices {
            #expect(try await fleet.deployments(of: index, via: 1).count == 1)
            #expect(try await fleet.history(index).count == 1)
        }
    }
}
