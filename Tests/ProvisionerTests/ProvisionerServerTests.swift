import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// The provisioner as a real process, driven over HTTP, deploying into the emulator with real Helm.
@Suite("Provisioner server", .serialized, .tags(.integration), .skippedInFastRuns)
struct ProvisionerServerTests {
    @Test("queues each service and reports it succeeded", arguments: ["prometheus", "fluentbit", "nginx"] as [ServiceName])
    func deploysEachService(service: ServiceName) async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        let reply = try await server.post(harness.request(service))
        #expect(reply.status == 202)
        let id = try reply.decode(DeploymentStatus.self).id
        #expect(id.count == 26)

        let done = try await server.waitFor(id)
        #expect(done.state == .succeeded)
        #expect(done.release?.status == .deployed)
        #expect(done.startAt >= done.createAt && done.endAt >= done.startAt)
    }

    @Test("shows a deployment running while its workloads become ready")
    func observesRunning() async throws {
        let harness = try await DeployHarness(readyAfter: 4)
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        let id = try await server.post(harness.request("nginx")).decode(DeploymentStatus.self).id
        let running = try await server.waitFor(id) { $0 == .running }
        #expect(running.state == .running)
        #expect(try await server.waitFor(id).state == .succeeded)
    }

    @Test("terminating a running deployment stops helm and leaves the release not pending")
    func terminateRunning() async throws {
        let harness = try await DeployHarness(readyAfter: 60)
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }
        let release = harness.release(of: "prometheus")

        let id = try await server.post(harness.request("prometheus")).decode(DeploymentStatus.self).id
        try await harness.waitFor(.pendingInstall, of: release)
        let reply = try await server.request("DELETE", "/api/deployment/\(id)")
        #expect(reply.status == 200)
        #expect(try reply.decode(DeploymentStatus.self).state == .cancelling)

        let done = try await server.waitFor(id)
        #expect(done.state == .cancelled)
        #expect(done.remediation?.action == "uninstall")
        #expect(try await harness.history(release).allSatisfy { !$0.status.isPending })
    }

    @Test("two deployments of the same release run one after the other")
    func sameReleaseSerializes() async throws {
        let harness = try await DeployHarness(readyAfter: 3)
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        let first = try await server.post(harness.request("prometheus", version: "25.18.0")).decode(DeploymentStatus.self)
        let second = try await server.post(harness.request("prometheus", version: "25.19.0")).decode(DeploymentStatus.self)

        let firstDone = try await server.waitFor(first.id)
        let secondDone = try await server.waitFor(second.id)
        #expect(firstDone.state == .succeeded && secondDone.state == .succeeded)
        #expect(secondDone.startAt >= firstDone.endAt)
        #expect(secondDone.release?.revision == 2)
    }

    @Test("a deployment past its deadline is stopped and ends failed, release not pending")
    func deadlineExpiry() async throws {
        let harness = try await DeployHarness(readyAfter: 60)
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }
        var request = harness.request("fluentbit")
        request.timeoutSeconds = 4

        let id = try await server.post(request).decode(DeploymentStatus.self).id
        let done = try await server.waitFor(id)

        #expect(done.state == .failed)
        #expect(done.error != nil)
        #expect(try await harness.history(harness.release(of: "fluentbit")).allSatisfy { !$0.status.isPending })
    }

    @Test("SIGTERM lets running work finish, refuses new work, and exits 0")
    func drainFinishesWork() async throws {
        let harness = try await DeployHarness(readyAfter: 8)
        let server = try await harness.startProvisioner(["--drain-timeout", "60s"])
        defer {
            server.stop()
            harness.close()
        }

        let accepted = try await server.post(harness.request("nginx")).decode(DeploymentStatus.self)
        #expect(accepted.state == .running)
        server.signal(SIGTERM)
        let draining = try await eventually(timeout: .seconds(30)) { try await server.request("GET", "/readyz").status == 503 }

        #expect(draining, "/readyz answers 503 once draining")
        #expect(try await server.request("GET", "/healthz").status == 200)
        #expect(try await server.post(harness.request("prometheus")).status == 503)
        #expect(try await server.waitForExit() == 0)
        #expect(try await harness.history(harness.release(of: "nginx")).last?.status == .deployed)
    }

    @Test("SIGTERM past the drain timeout stops running work cleanly and exits 0")
    func drainStopsWork() async throws {
        let harness = try await DeployHarness(readyAfter: 60)
        let server = try await harness.startProvisioner(["--drain-timeout", "1s"])
        defer {
            server.stop()
            harness.close()
        }
        let release = harness.release(of: "prometheus")

        _ = try await server.post(harness.request("prometheus"))
        try await harness.waitFor(.pendingInstall, of: release)
        server.signal(SIGTERM)

        #expect(try await server.waitForExit() == 0)
        #expect(try await harness.history(release).allSatisfy { !$0.status.isPending })
    }

    @Test("re-POSTing the same ID and body returns the existing deployment; another body conflicts")
    func idempotentPost() async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }
        var request = harness.request("nginx")
        request.id = "client-chosen-1"

        #expect(try await server.post(request).status == 202)
        let again = try await server.post(request)
        #expect(again.status == 200)
        #expect(try again.decode(DeploymentStatus.self).id == "client-chosen-1")

        request.values = ["controller": ["replicaCount": 3]]
        let conflict = try await server.post(request)
        #expect(conflict.status == 409)
        _ = try await server.waitFor("client-chosen-1")
    }

    @Test("/metrics counts what happened")
    func metricsCount() async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        let id = try await server.post(harness.request("nginx")).decode(DeploymentStatus.self).id
        _ = try await server.waitFor(id)
        let metrics = try await server.request("GET", "/metrics").text

        #expect(metrics.contains(#"provisioner_deployments_queued_total{action="apply",service="nginx"} 1"#))
        #expect(metrics.contains(#"provisioner_deployments_finished_total{action="apply",service="nginx",state="succeeded"} 1"#))
        #expect(metrics.contains(#"provisioner_deployment_duration_seconds_count{action="apply",service="nginx"} 1"#))
        #expect(metrics.contains("provisioner_deployments_in_flight 0"))
    }

    @Test("the kubeconfig's secrets appear in no response and no log line")
    func secretsStayHidden() async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner(["--log-level", "debug"])
        defer {
            server.stop()
            harness.close()
        }
        var request = harness.request("nginx")
        request.kubeconfig = request.kubeconfig.replacingOccurrences(of: "token: testbed", with: "token: s3cr3t-bearer-token")

        let id = try await server.post(request).decode(DeploymentStatus.self).id
        let done = try await server.waitFor(id)
        let listed = try await server.request("GET", "/api/deployments").text
        let single = try await server.request("GET", "/api/deployment/\(id)").text

        #expect(done.state == .succeeded)
        for text in [listed, single, server.log] {
            #expect(!text.contains("s3cr3t-bearer-token"))
            #expect(!text.contains("Kubeconfig"))
        }
    }

    @Test("a job's kubeconfig and values live in a 0700 directory of 0600 files that is gone afterwards")
    func privateTempFiles() async throws {
        let harness = try await DeployHarness(readyAfter: 4)
        let work = "\(harness.scratch)/work"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let server = try await harness.startProvisioner(environment: ["TMPDIR": work])
        defer {
            server.stop()
            harness.close()
        }
        func mode(_ path: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
        }

        let id = try await server.post(harness.request("nginx", values: ["controller": ["replicaCount": 1]])).decode(DeploymentStatus.self).id
        try await harness.waitFor(.pendingInstall, of: harness.release(of: "nginx"))
        let workspaces = try FileManager.default.contentsOfDirectory(atPath: work)
        #expect(workspaces.count == 1)
        let workspace = "\(work)/\(workspaces[0])"
        #expect(try mode(workspace) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: workspace)
        #expect(files.contains("kubeconfig"))
        for file in files { #expect(try mode("\(workspace)/\(file)") == 0o600, "\(file)") }

        #expect(try await server.waitFor(id).state == .succeeded)
        #expect(try FileManager.default.contentsOfDirectory(atPath: work).isEmpty)
    }

    @Test("lists the services with their charts, values, dependencies and deploy order")
    func listsServices() async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        let services = try JSONSerialization.jsonObject(with: try await server.request("GET", "/api/services").body) as? [[String: Any]]
        let catalog = ServiceCatalog.standard
        #expect(services?.map { $0["Name"] as? String } == catalog.names.map { Optional($0.rawValue) })
        let prometheus = services?.first { $0["Name"] as? String == "prometheus" }
        #expect(prometheus?["DefaultVersion"] as? String == "25.18.0")
        #expect(prometheus?["DependsOn"] as? [String] == ["nginx"])
        #expect(
            services?.allSatisfy { $0["Strategy"] as? String == (catalog[ServiceName($0["Name"] as? String ?? "")]?.strategy.kind.rawValue) } == true
        )
        let stack = services?.first { $0["Name"] as? String == "prometheus-stack" }
        #expect(stack?["Strategy"] as? String == "objects" && stack?["DefaultVersion"] as? String == "1.0.0")
        #expect(stack?["ConflictsWith"] as? [String] == ["prometheus"] && prometheus?["ConflictsWith"] as? [String] == ["prometheus-stack"])
        let order = services?.reduce(into: [String: Int]()) { $0[$1["Name"] as? String ?? ""] = $1["Order"] as? Int }
        #expect(order == Dictionary(uniqueKeysWithValues: catalog.order.enumerated().map { ($1.rawValue, $0) }))
        #expect((prometheus?["DefaultValues"] as? String)?.contains("scrape_interval") == true)
    }
}
