import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import cloud

/// Real processes on loopback: a cloud server on SQLite, three provisioners, twenty emulated
/// clusters with work in flight; provisioners and the cloud server are killed and restarted while
/// deployments run. Run alone with `make e2e`; prints a summary table.
@Suite("Chaos: a fleet under failure", .serialized, .tags(.chaos))
struct ChaosTests {
    static let clusterCount = 20

    struct Row {
        var scenario: String
        var deployments = 0
        var succeeded = 0
        var failedAsExpected = 0
        var lost = 0
        var stuck = 0
        /// Cancelled in the cloud server but already done on the provisioner.
        var finishedBeforeCancel = 0
    }

    @Test("every scenario ends with nothing lost, nothing stuck and no release pending")
    func fleetUnderFailure() async throws {
        let fleet = try await Fleet(clusters: Self.clusterCount, readyAfter: 2)
        defer { fleet.close() }
        try await fleet.registerClusters()
        var rows: [Row] = []
        let services: [ServiceName] = ["nginx", "fluentbit", "prometheus"]
        // A new image tag changes every pod template, so each round's workloads take --ready-after
        // to become ready again and the deployments are really in flight.
        func round(_ number: Int) -> (Int, ServiceName) -> JSONValue {
            { _, service in
                let image: JSONValue = ["image": ["tag": .string("round-\(number)")]]
                switch service {
                case "nginx": return ["controller": image]
                case "prometheus": return ["server": image]
                default: return image
                }
            }
        }
        func tally(_ name: String, _ ids: [String], expectFailure: Set<String> = [], expectCancel: Set<String> = []) async throws -> Row {
            let final = try await fleet.settle(ids)
            var row = Row(scenario: name, deployments: ids.count)
            row.lost = ids.count - final.count
            for deployment in final {
                switch deployment.state {
                case .succeeded where !expectFailure.contains(deployment.id) && !expectCancel.contains(deployment.id): row.succeeded += 1
                case .failed where expectFailure.contains(deployment.id): row.failedAsExpected += 1
                case .cancelled where expectCancel.contains(deployment.id): row.failedAsExpected += 1
                // helm may finish between the cloud server taking the cancel and the provisioner
                // hearing it: the deployment then truthfully ended succeeded.
                case .succeeded where expectCancel.contains(deployment.id): row.finishedBeforeCancel += 1
                case let state where !state.isFinal: row.stuck += 1
                default:
                    Issue.record("\(name): \(deployment.service) on \(deployment.clusterID) ended \(deployment.state): \(deployment.error ?? "")")
                }
            }
            return row
        }

        // 1. Provision all three utilities on every cluster.
        var ids: [String] = []
        for cluster in fleet.clusters {
            let created = try await fleet.send(
                "POST",
                "/api/cluster/\(cluster.id)/provision",
                [
                    "utility-versions": ["nginx": ["Chart": "4.15.1"], "fluentbit": ["Chart": "0.40.0"], "prometheus": ["Chart": "25.18.0"]]
                ]
            ).decode([Deployment].self)
            ids += created.map(\.id)
        }
        rows.append(try await tally("provision 3 utilities x \(Self.clusterCount)", ids))

        // 2. The same amount of work while one provisioner is SIGKILLed and another rolled (SIGTERM).
        ids = try await fleet.applyEverywhere(services: services, version: { Testbed.defaultChartVersions[$0]! }, values: round(2)).map(\.id)
        try await fleet.waitUntilRunning(ids, atLeast: 6)
        fleet.provisioners[0].signal(SIGKILL)
        fleet.provisioners[1].signal(SIGTERM)
        // The killed one comes back in place at once: the cloud server finds its deployments
        // forgotten (404), and sends them again saying every earlier attempt ended, so the releases
        // they left pending are recovered without waiting for them to turn stale.
        try await fleet.restartProvisioner(0)
        _ = try await fleet.provisioners[1].waitForExit()
        try await fleet.restartProvisioner(1)
        rows.append(try await tally("SIGKILL one provisioner, roll another", ids))

        // 3. The cloud server is SIGKILLed mid-dispatch and restarted.
        ids = try await fleet.applyEverywhere(services: services, version: { Testbed.defaultChartVersions[$0]! }, values: round(3)).map(\.id)
        try await Task.sleep(for: .seconds(1))
        try await fleet.restartServer()
        rows.append(try await tally("SIGKILL the cloud server, restart it", ids))

        // 4. Cancel ten deployments while they run.
        ids = try await fleet.applyEverywhere(services: services, version: { Testbed.defaultChartVersions[$0]! }, values: round(4)).map(\.id)
        var cancelled: Set<String> = []
        let cancelDeadline = ContinuousClock.now + .seconds(120)
        while cancelled.count < 10, ContinuousClock.now < cancelDeadline {
            for id in ids where !cancelled.contains(id) && cancelled.count < 10 {
                if try await fleet.deployment(id).state == .running,
                    try await fleet.send("DELETE", "/api/deployment/\(id)").status == 200
                {
                    cancelled.insert(id)
                }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(cancelled.count == 10)
        let cancelRow = try await tally("cancel 10 in flight", ids, expectCancel: cancelled)
        #expect(cancelRow.failedAsExpected >= cancelled.count / 2, "most cancels reach their deployment in time")
        rows.append(cancelRow)

        // 5. Failing upgrades (fail-readiness) on five clusters; the others upgrade normally.
        var failing: Set<String> = []
        ids = []
        for (index, cluster) in fleet.clusters.enumerated() {
            let values: JSONValue = ["server": index < 5 ? ["image": ["tag": "fail-readiness"]] : ["podAnnotations": ["round": "5"]]]
            let created = try await fleet.send(
                "POST",
                "/api/deployments",
                [
                    "ClusterID": .string(cluster.id), "Service": "prometheus", "Action": "apply", "Chart": ["Version": "25.19.0"],
                    "Values": values, "TimeoutSeconds": 20,
                ]
            ).decode(Deployment.self)
            ids.append(created.id)
            if index < 5 { failing.insert(created.id) }
        }
        rows.append(try await tally("fail-readiness upgrade on 5 clusters", ids, expectFailure: failing))
        for id in failing {
            let deployment = try await fleet.deployment(id)
            #expect(deployment.remediation?.action == "rollback", "\(id) was not rolled back")
        }

        // Afterwards: no release stuck anywhere; every release deployed; revision counts sane. A
        // pending revision may stay below the rollback that recovered it, as real Helm's rollback
        // leaves it (pkg/action/rollback.go supersedes only deployed revisions).
        let releases = try await fleet.releaseStatuses()
        for (cluster, release, history) in releases {
            let stuck = history.filter(\.status.isPending).filter { pending in
                !history.contains { $0.revision > pending.revision && $0.description.hasPrefix("Rollback to") }
            }
            #expect(stuck.isEmpty, "cluster-\(cluster) \(release) has a pending revision no rollback recovered")
            #expect(history.last?.status == .deployed, "cluster-\(cluster) \(release) ends \(history.last?.status.rawValue ?? "missing")")
            #expect(history.count <= 10, "cluster-\(cluster) \(release) kept \(history.count) revisions")
            // What the server records the cluster runs is what the release runs: the order the
            // provisioners applied in, whatever order their results arrived in.
            let utilities = try await fleet.send("GET", "/api/cluster/\(fleet.clusters[cluster].id)/utilities").decode(UtilityMetadata.self)
            let running = history.last { $0.status == .deployed }.flatMap { ChartVersion.version(inChart: $0.chart) }
            let recorded = utilities.actualVersions[release == "fluent-bit" ? "fluentbit" : release].flatMap { $0?.chart }
            #expect(recorded == running, "cluster-\(cluster) \(release): recorded \(recorded ?? "nothing"), the release runs \(running ?? "nothing")")
        }

        print(Self.table(rows))
        for row in rows {
            #expect(row.lost == 0, "\(row.scenario): \(row.lost) lost")
            #expect(row.stuck == 0, "\(row.scenario): \(row.stuck) stuck")
            #expect(row.succeeded + row.failedAsExpected + row.finishedBeforeCancel == row.deployments, "\(row.scenario)")
        }
    }

    static func table(_ rows: [Row]) -> String {
        let header = ["scenario", "deployments", "succeeded", "failed as expected", "lost", "stuck"]
        let cells = rows.map { [$0.scenario, "\($0.deployments)", "\($0.succeeded)", "\($0.failedAsExpected)", "\($0.lost)", "\($0.stuck)"] }
        let widths = header.indices.map { column in ([header] + cells).map { $0[column].count }.max() ?? 0 }
        let lines = ([header] + cells).map { row in
            "| " + zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ") + " |"
        }
        return ([lines[0], "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"] + lines.dropFirst())
            .joined(separator: "\n")
    }
}
