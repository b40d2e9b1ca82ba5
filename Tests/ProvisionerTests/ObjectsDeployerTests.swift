import FleetAPI
import Foundation
import HelmDriver
import Synchronization
import TestSupport
import Testing

@testable import provisioner

/// The objects strategy against the testbed's emulator, which applies server-side as the API
/// server does and plays prometheus-operator on the CRDs the `prometheus-operator` service installs.
@Suite("Deploying services as objects an operator reconciles", .tags(.integration))
struct ObjectsDeployerTests {
    /// What the cluster has before the objects are deployed.
    enum Cluster {
        /// The `prometheus-operator` service deployed: the operator and its CRDs.
        case withOperator
        /// Only the CRDs the objects need (an operator that never gets ready would hold the install).
        case withCRDs
        case empty
    }

    static let crds = "\(Testbed.repositoryRoot)/../shared/charts/kube-prometheus-stack-88.5.3/charts/crds/crds"

    static func start(readyAfter: Int = 0, _ cluster: Cluster = .withOperator) async throws -> (DeployHarness, ObjectsDeployer) {
        let harness = try await DeployHarness(readyAfter: readyAfter)
        switch cluster {
        case .withOperator:
            let installed = await harness.deploy(harness.request("prometheus-operator"), within: .seconds(120))
            guard installed.outcome == .succeeded else { throw OperatorNotInstalled(result: "\(installed)") }
        case .withCRDs:
            try await applyCRDs(harness)
        case .empty: break
        }
        var deployer = ObjectsDeployer(beside: harness.deployer)
        deployer.pollInterval = .milliseconds(100)
        return (harness, deployer)
    }

    /// The CRDs prometheus-stack's objects need, applied as someone would by hand (the emulator
    /// plays the operator on them).
    static func applyCRDs(_ harness: DeployHarness) async throws {
        let files = ["prometheuses", "alertmanagers", "servicemonitors"].flatMap { ["-f", "\(crds)/crd-\($0).yaml"] }
        try await harness.kubectl(["apply", "--server-side"] + files)
    }

    struct OperatorNotInstalled: Error {
        var result: String
    }

    /// - Parameter timeout: long enough for an apply on a machine a full parallel run keeps busy
    ///   (30 s once ran out there); a test of the deadline gives its own.
    static func run(
        _ deployer: ObjectsDeployer,
        _ request: DeploymentRequest,
        timeout: Duration = .seconds(120),
        events: DeploymentEvents = DeploymentEvents()
    ) async -> DeploymentResult {
        await deployer.run(request, service: PrometheusStack(), timeout: timeout, events: events)
    }

    static func prometheus(_ harness: DeployHarness) async throws -> JSONValue? {
        let text = try? await harness.kubectl(["-n", "prometheus-stack", "get", "prometheus", "prometheus", "-o", "json"])
        return try text.map { try WireJSON.decoder().decode(JSONValue.self, from: Data($0.utf8)) }
    }

    static func spec(_ object: JSONValue?, _ key: String) -> JSONValue? { object?.objectValue?["spec"]?.objectValue?[key] }

    @Test("apply renders the objects from the values, waits for the operator's conditions and records the set")
    func applies() async throws {
        let (harness, deployer) = try await Self.start(readyAfter: 1)
        defer { harness.close() }

        let result = await Self.run(deployer, harness.request("prometheus-stack"))

        #expect(result.outcome == .succeeded, "\(result)")
        #expect(result.details.release?.chart == "prometheus-stack-1.0.0" && result.details.release?.revision == 1)
        #expect(result.details.release?.status == .deployed)
        let live = try await Self.prometheus(harness)
        #expect(Self.spec(live, "externalLabels") == ["clusterID": "cluster1"])
        #expect(Self.spec(live, "retention") == "15d" && Self.spec(live, "replicas") == 1)
        let ingresses = try await harness.kubectl(["-n", "prometheus-stack", "get", "ingress", "-o", "name"])
        #expect(ingresses.isEmpty, "an Ingress only with a domain to name its host")
    }

    @Test("an apply with other values changes those fields, as revision 2")
    func upgrades() async throws {
        let (harness, deployer) = try await Self.start()
        defer { harness.close() }
        #expect(await Self.run(deployer, harness.request("prometheus-stack")).outcome == .succeeded)

        let result = await Self.run(deployer, harness.request("prometheus-stack", values: ["prometheus": ["retention": "30d"]]))

        #expect(result.outcome == .succeeded && result.details.release?.revision == 2, "\(result)")
        #expect(Self.spec(try await Self.prometheus(harness), "retention") == "30d")
    }

    @Test("objects not ready by the deadline fail it, each named with its condition, said while waiting")
    func notReady() async throws {
        let (harness, deployer) = try await Self.start(readyAfter: 3600, .withCRDs)
        defer { harness.close() }
        let waits = Mutex<[String]>([])

        // Long enough to reach the wait however busy the machine is (a full parallel run on two
        // cores once took all of 30 s to get there).
        let result = await Self.run(
            deployer,
            harness.request("prometheus-stack"),
            timeout: .seconds(50),
            events: DeploymentEvents { text in if let text { waits.withLock { $0.append(text) } } }
        )

        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(failure.kind == .timedOut)
        #expect(failure.message.contains("Prometheus prometheus-stack/prometheus: Available is False: NoPodReady"), "\(failure)")
        #expect(failure.message.contains("Alertmanager prometheus-stack/alertmanager: Available is False: NoPodReady"), "\(failure)")
        #expect(result.details.release?.status == .failed)
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        let record = try await kube.objectRecord(name: "prometheus-stack", namespace: "prometheus-stack")?.record
        #expect(record?.status == .failed, "written past the deadline, so the set is not left held")
        #expect(waits.withLock { $0 }.contains { $0.contains("Available is False: NoPodReady") }, "\(waits.withLock { $0 })")
    }

    @Test("a kind whose CRD is not installed fails naming it, before anything is applied")
    func missingCRD() async throws {
        let (harness, deployer) = try await Self.start(.empty)
        defer { harness.close() }

        let result = await Self.run(deployer, harness.request("prometheus-stack"))

        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(failure.message.contains("the cluster serves no Prometheus in monitoring.coreos.com/v1 (is its CustomResourceDefinition installed?)"))
        #expect(try await Self.prometheus(harness) == nil)
    }

    @Test("a field changed by hand is drift, named with both values; a plan of other values shows the change and applies nothing")
    func driftAndPlan() async throws {
        let (harness, deployer) = try await Self.start()
        defer { harness.close() }
        #expect(await Self.run(deployer, harness.request("prometheus-stack")).outcome == .succeeded)
        _ = try await harness.kubectl([
            "-n", "prometheus-stack", "patch", "prometheus", "prometheus", "--type", "merge", "-p", #"{"spec":{"retention":"1d"}}"#,
        ])

        let check = await Self.run(deployer, harness.request("prometheus-stack", .check))
        let plan = await Self.run(deployer, harness.request("prometheus-stack", .plan, values: ["alertmanager": ["replicas": 3]]))

        #expect(
            check.details.drift?.reasons == [#"Prometheus/prometheus-stack/prometheus changed: spec.retention is "1d", not "15d" (by kubectl-patch)"#]
        )
        #expect(plan.outcome == .succeeded, "\(plan)")
        #expect(
            plan.details.plan?.objects.map(\.object).contains("Alertmanager/prometheus-stack/alertmanager") == true,
            "\(String(describing: plan.details.plan))"
        )
        let alertmanager = try await harness.kubectl([
            "-n", "prometheus-stack", "get", "alertmanager", "alertmanager", "-o", "jsonpath={.spec.replicas}",
        ])
        #expect(alertmanager == "1")
    }

    @Test("delete removes exactly the recorded objects and the record, and keeps the CRDs")
    func deletes() async throws {
        let (harness, deployer) = try await Self.start()
        defer { harness.close() }
        #expect(await Self.run(deployer, harness.request("prometheus-stack")).outcome == .succeeded)

        let result = await Self.run(deployer, harness.request("prometheus-stack", .delete))

        #expect(result.outcome == .succeeded, "\(result)")
        #expect(result.details.log.contains("deleted Prometheus prometheus-stack/prometheus"))
        #expect(try await Self.prometheus(harness) == nil)
        let secrets = try await harness.kubectl(["-n", "prometheus-stack", "get", "secrets", "-o", "name"])
        #expect(!secrets.contains("cloud-provisioner.objects.prometheus-stack"))
        #expect(try await harness.kubectl(["get", "crd", "prometheuses.monitoring.coreos.com", "-o", "name"]).contains("prometheuses"))
    }
}
