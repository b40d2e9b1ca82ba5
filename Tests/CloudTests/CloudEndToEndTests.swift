import FleetAPI
import Foundation
import HelmDriver
import Logging
import TestSupport
import Testing

@testable import cloud

/// Real cloud server + two provisioners + the testbed, over HTTP on loopback.
@Suite("Cloud server end to end", .serialized, .tags(.integration), .skippedInFastRuns)
struct CloudEndToEndTests {
    @Test("provisioning a cluster deploys all three utilities and records their versions")
    func provisionsAllUtilities() async throws {
        let harness = try await CloudHarness(readyAfter: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()

        let reply = try await harness.send(
            "POST",
            "/api/cluster/\(cluster.id)/provision",
            [
                "utility-versions": ["prometheus": ["Chart": "25.18.0"], "fluentbit": ["Chart": "0.40.0"], "nginx": ["Chart": "4.15.1"]]
            ]
        )
        #expect(reply.status == 202)
        let created = try reply.decode([Deployment].self)
        // The order the provisioners publish: each after what it depends on, the rest by name.
        #expect(created.map(\.service) == ["fluentbit", "nginx", "prometheus"])
        #expect(created[2].dependsOn == created[1].id)

        var finished: [Deployment] = []
        for deployment in created { finished.append(try await harness.waitFor(deployment.id)) }
        #expect(finished.allSatisfy { $0.state == .succeeded && $0.attempts == 1 })

        let utilities = try await harness.send("GET", "/api/cluster/\(cluster.id)/utilities").decode(UtilityMetadata.self)
        #expect(utilities.actualVersions["prometheus"] == .some(UtilityVersion(chart: "25.18.0")))
        #expect(utilities.actualVersions.count == 3)

        let instances = try JSONSerialization.jsonObject(with: try await harness.send("GET", "/api/provisioners").body) as? [[String: Any]]
        #expect(instances?.count == 2)
        #expect(instances?.allSatisfy { $0["Healthy"] as? Bool == true && $0["InFlight"] as? Int == 0 } == true)

        let again = try await harness.send(
            "POST",
            "/api/cluster/\(cluster.id)/provision",
            [
                "utility-versions": ["prometheus": ["Chart": "25.18.0"]]
            ]
        ).decode([Deployment].self)
        #expect(again.isEmpty, "an unchanged version deploys nothing")
    }

    @Test("cancelling a running deployment stops it on its provisioner")
    func cancelRunning() async throws {
        let harness = try await CloudHarness(readyAfter: 60)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus")
        _ = try await harness.waitFor(deployment.id) { $0.state == .running }

        let reply = try await harness.send("DELETE", "/api/deployment/\(deployment.id)")
        #expect(reply.status == 200)
        #expect(try reply.decode(Deployment.self).state == .cancelRequested)

        let done = try await harness.waitFor(deployment.id)
        #expect(done.state == .cancelled)
        // Stopped before helm made a release there is nothing to undo; after, it is uninstalled.
        #expect(done.remediation == nil || done.remediation?.action == "uninstall")
        #expect(try await harness.send("DELETE", "/api/deployment/\(deployment.id)").status == 409)
    }

    @Test("a provisioner killed while it holds a deployment loses it to the other, which waits until the release is provably stale and finishes it")
    func provisionerKilled() async throws {
        // Unreachable is no proof that its helm is gone (a partition looks the same), so the
        // other instance waits for the pending revision to outlive its timeout, grace and skew.
        let harness = try await CloudHarness(readyAfter: 8, provisionerArguments: ["--max-clock-skew", "0s"])
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "prometheus", timeoutSeconds: 20)
        let held = try await harness.waitFor(deployment.id) { $0.state == .running }
        try await harness.emulator.waitFor(.pendingInstall, of: ReleaseRef(name: "prometheus", namespace: "prometheus"), scratch: harness.scratch)
        let holder = try #require(harness.provisioners.first { $0.baseURL == held.provisioner })

        holder.signal(SIGKILL)
        let done = try await harness.waitFor(deployment.id)

        #expect(done.state == .succeeded, "\(done.error ?? "") \(done.log)")
        #expect(done.attempts == 2)
        #expect(done.provisioner != holder.baseURL)
        #expect(done.log.contains { $0.hasPrefix("waited ") }, "\(done.log)")
    }

    @Test("a provisioner restarted in place no longer knows the deployment: the next attempt recovers the release at once")
    func provisionerRestartedInPlace() async throws {
        let harness = try await CloudHarness(readyAfter: 8, provisioners: 1)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "nginx")
        _ = try await harness.waitFor(deployment.id) { $0.state == .running }
        try await harness.emulator.waitFor(.pendingInstall, of: ReleaseRef(name: "nginx", namespace: "nginx"), scratch: harness.scratch)

        harness.provisioners[0].signal(SIGKILL)
        _ = try await harness.provisioners[0].waitForExit(timeout: .seconds(10))
        try await harness.restartProvisioner(0)
        // The deployment's timeout is the default ten minutes: done well within that means the
        // release was not waited for.
        let done = try await harness.waitFor(deployment.id, timeout: .seconds(90))

        #expect(done.state == .succeeded, "\(done.error ?? "") \(done.log)")
        #expect(done.attempts == 2)
        #expect(!done.log.contains { $0.hasPrefix("waited ") })
        #expect(done.log.contains { $0.hasPrefix("helm uninstall") }, "the install left pending was recovered: \(done.log)")
        #expect(done.recovery?.action == "uninstall", "the cloud server keeps what the provisioner recovered")
    }

    @Test("a cloud server killed mid-way picks up from its database after a restart")
    func serverRestarted() async throws {
        let harness = try await CloudHarness(readyAfter: 3)
        defer { harness.close() }
        let cluster = try await harness.registerCluster()
        let created = try await harness.send(
            "POST",
            "/api/cluster/\(cluster.id)/provision",
            [
                "utility-versions": ["prometheus": ["Chart": "25.18.0"], "fluentbit": ["Chart": "0.40.0"], "nginx": ["Chart": "4.15.1"]]
            ]
        ).decode([Deployment].self)
        _ = try await harness.waitFor(created[0].id) { $0.state == .running }

        try await harness.restartServer()

        for deployment in created {
            #expect(try await harness.waitFor(deployment.id).state == .succeeded)
        }
    }

    @Test("a cluster registered by a reference to its kubeconfig in S3 is deployed to, the kubeconfig fetched by the provisioner")
    func kubeconfigReference() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let environment = ["AWS_ACCESS_KEY_ID": "AKIAFAKE", "AWS_SECRET_ACCESS_KEY": "fake", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url]
        let harness = try await CloudHarness(provisioners: 1, environment: environment)
        defer { harness.close() }
        let aws = AWSClient(configuration: AWSConfiguration(environment: environment), logger: .init(label: "test"))
        _ = try await aws.send(.s3, method: "PUT", path: "/fleet")
        _ = try await aws.send(.s3, method: "PUT", path: "/fleet/c1", body: Data(harness.emulator.kubeconfig.utf8))

        let registered = try await harness.cli(["cluster", "register", "--name", "by-reference", "--kubeconfig-s3", "fleet/c1"])
        #expect(registered.status == 0, "\(registered.stderr)")
        let cluster = try WireJSON.decoder().decode(Cluster.self, from: Data(registered.stdout.utf8))
        let deployment = try await harness.createDeployment(cluster.id, "nginx")

        #expect(try await harness.waitFor(deployment.id).state == .succeeded)
        #expect(try SQLiteConnection(path: harness.database).query("SELECT kubeconfig FROM clusters").first?.first == .text(""))
    }

    @Test("with tokens, users and the cloud server must authenticate; the probes stay open")
    func authentication() async throws {
        let directory = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let provisionerToken = "provisioner-token-\(UUID())"
        let userToken = "user-token-\(UUID())"
        try "# shared with the cloud server\n\(provisionerToken)\n".write(toFile: "\(directory)/provisioner", atomically: true, encoding: .utf8)
        try "\(userToken)\nsecond-user-token-0123456789\n".write(toFile: "\(directory)/users", atomically: true, encoding: .utf8)
        let harness = try await CloudHarness(
            provisioners: 1,
            provisionerArguments: ["--auth-token-file", "\(directory)/provisioner"],
            serverArguments: ["--auth-token-file", "\(directory)/provisioner", "--api-token-file", "\(directory)/users"]
        )
        defer { harness.close() }

        #expect(try await harness.send("GET", "/api/clusters").status == 401)
        #expect(try await harness.server.request("GET", "/api/clusters", token: "wrong-token-0123456789").status == 401)
        #expect(try await harness.server.request("GET", "/healthz").status == 200)
        #expect(try await harness.provisioners[0].request("GET", "/api/deployments").status == 401)
        #expect(try await harness.provisioners[0].request("GET", "/readyz").status == 200)
        let refused = try await harness.cli(["cluster", "list"])
        #expect(refused.status == 1 && refused.stderr.contains("give the API token in CLOUD_API_TOKEN or --token-file"), "\(refused.stderr)")
        #expect(try await harness.cli(["cluster", "list"], environment: ["CLOUD_API_TOKEN": "second-user-token-0123456789"]).status == 0)
        #expect(try await harness.cli(["cluster", "list", "--token-file", "\(directory)/users"]).status == 0, "the file's first token")

        harness.apiToken = userToken
        let cluster = try await harness.registerCluster()
        let deployment = try await harness.createDeployment(cluster.id, "nginx")
        #expect(try await harness.waitFor(deployment.id).state == .succeeded)
    }

    @Test("the CLI prints indented JSON, tables, and one error line with exit code 1")
    func commandLine() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let kubeconfigFile = "\(harness.scratch)/kc"
        try harness.emulator.kubeconfig.write(toFile: kubeconfigFile, atomically: true, encoding: .utf8)

        let registered = try await harness.cli(["cluster", "register", "--name", "cli", "--kubeconfig", kubeconfigFile, "--label", "env=dev"])
        #expect(registered.status == 0)
        #expect(registered.stdout.contains("\"Name\" : \"cli\""))
        #expect(!registered.stdout.contains("Kubeconfig"))

        let table = try await harness.cli(["cluster", "list", "--output", "table"])
        #expect(table.stdout.hasPrefix("ID"))
        #expect(table.stdout.contains("cli"))

        let dryRun = try await harness.cli(["cluster", "provision", "--cluster", "x", "--prometheus-version", "25.18.0", "--dry-run"])
        #expect(dryRun.status == 0 && dryRun.stdout.contains("utility-versions"))

        let clusterID = try WireJSON.decoder().decode(Cluster.self, from: Data(registered.stdout.utf8)).id
        // --version is what --chart-version was called before, and still works.
        let created = try await harness.cli(["deployment", "create", "--cluster", clusterID, "--service", "nginx", "--version", "4.15.1"])
        let deploymentID = try WireJSON.decoder().decode(Deployment.self, from: Data(created.stdout.utf8)).id
        let waited = try await harness.cli(["deployment", "wait", "--deployment", deploymentID, "--timeout", "2m"])
        #expect(waited.status == 0)
        #expect(waited.stdout.contains("\"State\" : \"succeeded\""))

        let missing = try await harness.cli(["cluster", "get", "--cluster", "nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr.trimmingCharacters(in: .newlines) == "Error: cluster nope not found")
    }
}

extension CloudEndToEndTests {
    @Test("the CLI takes a cluster's name for its ID, global options before the subcommand, and prints each -o format")
    func commandLineConventions() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }
        let kubeconfigFile = "\(harness.scratch)/kc"
        try harness.emulator.kubeconfig.write(toFile: kubeconfigFile, atomically: true, encoding: .utf8)
        let cloud = ServerProcess.binary("cloud")
        func run(_ arguments: [String]) async throws -> CommandRun { try await CommandRun.run(cloud, arguments) }

        let id = try await run([
            "--server", harness.server.baseURL, "-o", "name", "cluster", "register", "--name", "edge-1", "--kubeconfig", kubeconfigFile,
        ])
        #expect(id.status == 0)
        let clusterID = id.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(clusterID.count == 26, "-o name prints the ID alone: \(id.stdout)")

        let yaml = try await harness.cli(["cluster", "get", "--cluster", "edge-1", "-o", "yaml"])
        #expect(yaml.status == 0 && yaml.stdout.contains("ID: \(clusterID)\n") && yaml.stdout.contains("Name: edge-1\n"))
        let table = try await harness.cli(["cluster", "utilities", "--cluster", "edge-1", "-o", "table"])
        #expect(table.status == 0 && table.stdout.hasPrefix("SERVICE"))

        let created = try await harness.cli(["deployment", "create", "--cluster", "edge-1", "--service", "nginx", "--timeout", "2m", "-o", "name"])
        let deployment = created.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let waited = try await harness.cli(["deployment", "wait", "--deployment", deployment, "--timeout", "120", "-o", "table"])
        #expect(waited.status == 0 && waited.stdout.hasPrefix("ID") && waited.stdout.contains("succeeded"), "\(waited.stdout)\(waited.stderr)")
        let listed = try await harness.cli(["deployment", "list", "--cluster", "edge-1", "-o", "name"])
        #expect(listed.stdout == "\(deployment)\n")
        let stored = try await harness.send("GET", "/api/deployment/\(deployment)").decode(Deployment.self)
        #expect(stored.clusterID == clusterID && stored.timeoutSeconds == 120)

        let unknown = try await harness.cli(["cluster", "get", "--cluster", "edge-9"])
        #expect(unknown.status == 1 && unknown.stderr == "Error: cluster edge-9 not found\n")
    }
}
