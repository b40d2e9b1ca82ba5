import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Profiles kept true by real processes: the `cloud` CLI, the cloud server, a provisioner running
/// the testbed's real Helm against the emulated cluster, with the upstream charts.
@Suite("Profiles end to end", .serialized, .tags(.integration), .skippedInFastRuns)
struct ProfileEndToEndTests {
    static func document(logLevel: String = "{{cluster.labels.loglevel}}") -> String {
        """
        name: prod-logging
        selector:
          matchLabels:
            env: prod
        services:
          fluentbit:
            chartVersion: 0.40.0
            values: |
              logLevel: "\(logLevel)"
            dependsOn: [metrics-server]
          metrics-server:
            chartVersion: 3.12.1
        onLeave: remove
        """
    }

    func status(_ harness: CloudHarness) async throws -> ProfileStatus {
        try await harness.send("GET", "/api/profile/prod-logging/status").decode(ProfileStatus.self)
    }

    /// Until both services are in sync on the cluster.
    func waitInSync(_ harness: CloudHarness) async throws {
        var last: ProfileStatus?
        let synced = await eventually(timeout: .seconds(180)) {
            last = try? await status(harness)
            return last?.counts == ["in-sync": 2]
        }
        #expect(synced, "\(String(describing: last))")
    }

    func fluentBitLogLevel(_ harness: CloudHarness) async throws -> String {
        let run = try await CommandRun.run(
            "/usr/bin/kubectl",
            [
                "--kubeconfig", harness.emulator.kubeconfigPath, "-n", "fluent-bit", "get", "configmap/fluent-bit", "-o",
                "jsonpath={.data.fluent-bit\\.conf}",
            ]
        )
        return run.stdout.split(separator: "\n").first { $0.contains("Log_Level") }.map { String($0.split(separator: " ").last ?? "") } ?? ""
    }

    @Test(
        "a cluster registered into a profile gets its services with its own values; a change rolls out across a restart; relabelled out, they are removed"
    )
    func keptTrue() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let file = "\(harness.scratch)/prod-logging.yaml"
        try Self.document().write(toFile: file, atomically: true, encoding: .utf8)
        let applied = try await harness.cli(["profile", "apply", "-f", file])
        #expect(applied.status == 0, "\(applied.stderr)")

        let registered = try await harness.cli([
            "cluster", "register", "--name", "prod-1", "--kubeconfig", harness.emulator.kubeconfigPath, "--label", "env=prod", "--label",
            "loglevel=debug",
        ])
        #expect(registered.status == 0, "\(registered.stderr)")
        let cluster = try WireJSON.decoder().decode(Cluster.self, from: Data(registered.stdout.utf8))
        try await waitInSync(harness)
        #expect(try await fluentBitLogLevel(harness) == "debug")
        let made = try await harness.send("GET", "/api/deployments?cluster=\(cluster.id)").decode([Deployment].self)
        let metrics = try #require(made.first { $0.service == "metrics-server" })
        #expect(made.first { $0.service == "fluentbit" }?.dependsOn == metrics.id)

        try Self.document(logLevel: "warn").write(toFile: file, atomically: true, encoding: .utf8)
        let planned = try await harness.cli(["profile", "plan", "-f", file, "--diff", "--output", "table"])
        #expect(planned.status == 0, "\(planned.stderr)")
        let row = planned.stdout.split(separator: "\n").first { $0.hasPrefix("prod-1") && $0.contains("fluentbit") } ?? ""
        // The ConfigMap with the log level, and the DaemonSet whose checksum annotation follows it.
        #expect(row.contains("upgrade") && row.contains("changed") && row.contains("+0 ~2 -0"), "\(planned.stdout)")
        #expect(try await harness.cli(["profile", "apply", "-f", file]).status == 0)
        var rollout: Rollout?
        #expect(
            await eventually(timeout: .seconds(30)) {
                rollout = try? await harness.send("GET", "/api/rollouts").decode([Rollout].self).first
                return rollout != nil
            }
        )
        try await harness.restartServer()
        try await waitInSync(harness)
        #expect(try await fluentBitLogLevel(harness) == "warn")
        let rollouts = try await harness.send("GET", "/api/rollouts").decode([Rollout].self)
        #expect(rollouts.map(\.id) == [rollout?.id] && rollouts.first?.state == .succeeded && rollouts.first?.service == "fluentbit")
        let shown = try await harness.cli(["profile", "status", "prod-logging", "--output", "table"])
        #expect(shown.stdout.contains("revision 2: 2 in-sync"), "\(shown.stdout)")

        let relabelled = try await harness.cli(["cluster", "label", "--cluster", cluster.id, "env=dev"])
        #expect(relabelled.status == 0, "\(relabelled.stderr)")
        #expect(
            await eventually(timeout: .seconds(180)) {
                let utilities = try? await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
                return utilities.map { ($0.actualVersions["fluentbit"] ?? nil) == nil && ($0.actualVersions["metrics-server"] ?? nil) == nil }
                    ?? false
            }
        )
    }
}

extension ProfileEndToEndTests {
    @Test(
        "the chart version follows the cluster's Kubernetes version: read at registration, and an upgrade found by the drift pass rolls the new one out"
    )
    func versionsByKubernetes() async throws {
        let harness = try await CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "1s"])
        defer { harness.close() }
        let document = """
            name: metrics
            selector: {matchLabels: {env: prod}}
            services:
              metrics-server:
                chartVersion: 3.12.1
                versionsByKubernetes:
                  - {kubernetes: ">=1.30", chartVersion: 3.13.1}
                values: |
                  podAnnotations:
                    kubernetes: "{{cluster.kubernetesVersion}}"
            """
        let file = "\(harness.scratch)/metrics.yaml"
        try document.write(toFile: file, atomically: true, encoding: .utf8)
        let applied = try await harness.cli(["profile", "apply", "-f", file])
        #expect(applied.status == 0, "\(applied.stderr)")
        let cluster = try await harness.send(
            "POST",
            "/api/clusters",
            ["Name": "prod-1", "Kubeconfig": .string(harness.emulator.kubeconfig), "Labels": ["env=prod"]]
        ).decode(Cluster.self)

        func installed() async -> String? {
            let utilities = try? await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
            return (utilities?.actualVersions["metrics-server"] ?? nil)?.chart
        }
        #expect(await eventually(timeout: .seconds(120)) { await installed() == "3.12.1" })
        let registered = try await harness.send("GET", "/api/cluster/\(cluster.id)").decode(Cluster.self)
        #expect(registered.kubernetesVersion == "v1.26.4+k3s1")

        try harness.emulator.setKubernetesVersion("v1.30.2-eks-1552ad0")
        #expect(await eventually(timeout: .seconds(120)) { await installed() == "3.13.1" })
        let rollouts = try await harness.send("GET", "/api/rollouts").decode([Rollout].self)
        #expect(rollouts.count == 1 && rollouts.first?.target.values == ["podAnnotations": ["kubernetes": "v1.30.2-eks-1552ad0"]])
    }
}

extension ProfileEndToEndTests {
    @Test("a cloud server following a Git repository applies a pushed commit when cloud profile sync asks, and refuses API changes to it")
    func followsGit() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let repository = try await GitRepository.make(scratch: scratch)
        let commit = try await repository.commit(["fleet/prod-logging.yaml": Self.document()])
        let harness = try await CloudHarness(
            provisioners: 1,
            serverArguments: ["--profiles-git", repository.fileURL, "--profiles-path", "fleet", "--profiles-git-interval", "1h"]
        )
        defer { harness.close() }
        let synced = try await harness.cli(["profile", "sync"])
        #expect(synced.status == 0, "\(synced.stderr)")
        let state = try WireJSON.decoder().decode(ProfileSourceState.self, from: Data(synced.stdout.utf8))
        #expect(state.commit == commit && state.error == nil)
        let revisions = try await harness.send("GET", "/api/profile/prod-logging").decode(ProfileRoutes.Detail.self).revisions
        #expect(revisions.map(\.commit) == [commit] && revisions.map(\.author) == ["git"])

        let file = "\(harness.scratch)/edited.yaml"
        try Self.document(logLevel: "warn").write(toFile: file, atomically: true, encoding: .utf8)
        let refused = try await harness.cli(["profile", "apply", "-f", file])
        #expect(refused.status != 0 && refused.stderr.contains("kept in Git"), "\(refused.stderr)")

        let removed = try await repository.commit(["fleet/prod-logging.yaml": nil])
        #expect(try await harness.cli(["profile", "sync"]).status == 0)
        #expect(try await harness.send("GET", "/api/profiles").decode([ProfileRoutes.Summary].self).isEmpty)
        let deletion = try await harness.send("GET", "/api/profile/prod-logging").status
        #expect(deletion == 404, "deleted at \(removed)")
    }
}

extension ProfileEndToEndTests {
    @Test("a profile naming a chart version no provisioner offers is refused at apply, naming the field and line; nothing is stored")
    func unofferedChartVersion() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let file = "\(harness.scratch)/metrics.yaml"
        try """
        name: metrics
        selector: {matchLabels: {env: prod}}
        services:
          metrics-server:
            chartVersion: 3.12.1
            versionsByKubernetes:
              - {kubernetes: ">=1.30", chartVersion: 3.99.0}
        """.write(toFile: file, atomically: true, encoding: .utf8)

        let refused = try await harness.cli(["profile", "apply", "-f", file])

        #expect(refused.status != 0)
        #expect(
            refused.stderr.contains(
                "services.metrics-server.versionsByKubernetes[0].chartVersion (line 7): version 3.99.0 of chart metrics-server is offered by no provisioner (they have 3.13.1, 3.12.1)"
            ),
            "\(refused.stderr)"
        )
        #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        #expect(try await harness.send("GET", "/api/profiles").decode([ProfileRoutes.Summary].self).isEmpty)
    }

    @Test("a registered cluster's Kubernetes version is read though no profile selects it and drift checks are off")
    func versionReadAtRegistration() async throws {
        let harness = try await CloudHarness(provisioners: 1, serverArguments: ["--drift-interval", "0"])
        defer { harness.close() }

        let cluster = try await harness.send("POST", "/api/clusters", ["Name": "plain", "Kubeconfig": .string(harness.emulator.kubeconfig)])
            .decode(Cluster.self)

        var version: String?
        let read = await eventually(timeout: .seconds(60)) {
            version = (try? await harness.send("GET", "/api/cluster/\(cluster.id)").decode(Cluster.self))?.kubernetesVersion
            return version != nil
        }
        #expect(read && version == "v1.26.4+k3s1", "\(String(describing: version))")
    }
}
