import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// What the provisioner promises for any service, whichever way it is deployed: the same API,
/// states, plans, drift checks and locking, held here for a Helm chart (`prometheus`) and for
/// objects an operator reconciles (`prometheus-stack`), through real provisioner processes.
@Suite("The provisioner's contract, for each deployment strategy", .serialized, .tags(.integration), .skippedInFastRuns)
struct StrategyContractTests {
    static let subjects: [ContractSubject] = [.helm, .objects]

    @Test("apply installs revision 1; an apply with other values upgrades it to revision 2", arguments: subjects)
    func applyThenUpgrade(_ subject: ContractSubject) async throws {
        let (harness, server) = try await subject.start()
        defer { subject.stop(harness, server) }

        let installed = try await server.run(harness.request(subject.service))
        #expect(installed.state == .succeeded, "\(installed.log)")
        #expect(installed.release?.revision == 1 && installed.release?.status == .deployed)
        let upgraded = try await server.run(harness.request(subject.service, values: subject.changed))
        #expect(upgraded.state == .succeeded, "\(upgraded.log)")
        #expect(upgraded.release?.revision == 2 && upgraded.release?.status == .deployed)
        #expect(upgraded.release?.firstDeployed == installed.release?.firstDeployed, "the same installation")
    }

    @Test("a plan of other values shows the change and changes nothing", arguments: subjects)
    func planChangesNothing(_ subject: ContractSubject) async throws {
        let (harness, server) = try await subject.start()
        defer { subject.stop(harness, server) }
        _ = try await server.run(harness.request(subject.service))

        let planned = try await server.run(harness.request(subject.service, .plan, values: subject.changed))
        #expect(planned.state == .succeeded, "\(planned.log)")
        #expect(planned.plan?.hasChanges == true && planned.plan?.changed ?? 0 > 0)
        let unchanged = try await server.run(harness.request(subject.service, .plan))
        #expect(unchanged.plan?.hasChanges == false, "nothing was applied by the first plan")
        #expect(try await server.run(harness.request(subject.service, .check)).drift?.state == .inSync)
    }

    @Test("a check finds a field changed by hand and names it", arguments: subjects)
    func checkFindsHandEdit(_ subject: ContractSubject) async throws {
        let (harness, server) = try await subject.start()
        defer { subject.stop(harness, server) }
        _ = try await server.run(harness.request(subject.service))
        #expect(try await server.run(harness.request(subject.service, .check)).drift?.state == .inSync)

        try await harness.kubectl(subject.handEdit)
        let checked = try await server.run(harness.request(subject.service, .check))
        #expect(checked.drift?.state == .drifted)
        #expect(checked.drift?.reasons.contains { $0.contains(subject.editedField) } == true, "\(checked.drift?.reasons ?? [])")
    }

    @Test("delete removes it; deleting again finds nothing and succeeds", arguments: subjects)
    func deleteTwice(_ subject: ContractSubject) async throws {
        let (harness, server) = try await subject.start()
        defer { subject.stop(harness, server) }
        _ = try await server.run(harness.request(subject.service))

        let deleted = try await server.run(harness.request(subject.service, .delete))
        #expect(deleted.state == .succeeded, "\(deleted.log)")
        #expect(try await subject.isInstalled(harness) == false)
        #expect(try await server.run(harness.request(subject.service, .delete)).state == .succeeded)
    }

    @Test("terminating a running apply ends it cancelled, leaving nothing held: the next operation waits for nothing", arguments: subjects)
    func cancelLeavesNothingHeld(_ subject: ContractSubject) async throws {
        let (harness, server) = try await subject.start(readyAfter: 60)
        defer { subject.stop(harness, server) }

        let id = try await server.post(harness.request(subject.service)).decode(DeploymentStatus.self).id
        try await subject.waitUntilHeld(harness)
        #expect(try await server.request("DELETE", "/api/deployment/\(id)").status == 200)
        #expect(try await server.waitFor(id).state == .cancelled)
        #expect(try await subject.isHeld(harness) == false)

        let deleted = try await server.run(harness.request(subject.service, .delete))
        #expect(deleted.state == .succeeded, "\(deleted.log)")
        #expect(!deleted.log.contains { $0.hasPrefix("waited ") })
    }

    @Test("two provisioners: the second waits, visibly, while the first holds it, then applies over it", arguments: subjects)
    func heldAcrossProvisioners(_ subject: ContractSubject) async throws {
        // Long enough for the second to find the first still at work, however busy the machine.
        let (harness, first) = try await subject.start(readyAfter: 20)
        let second = try await harness.startProvisioner()
        defer {
            second.stop()
            subject.stop(harness, first)
        }

        let firstID = try await first.post(harness.request(subject.service)).decode(DeploymentStatus.self).id
        try await subject.waitUntilHeld(harness)
        // The same request again (a retry elsewhere): nothing new to wait for once it has the set.
        let secondID = try await second.post(harness.request(subject.service)).decode(DeploymentStatus.self).id
        let waiting = try await HeldReleaseTests.poll(until: .seconds(60)) { try await second.deployment(secondID).waiting }
        #expect(waiting.hasPrefix("waiting for another operation on this"), "\(waiting)")
        #expect(try await first.deployment(firstID).state == .running)

        let firstDone = try await first.waitFor(firstID)
        let secondDone = try await second.waitFor(secondID)
        #expect(firstDone.state == .succeeded, "\(firstDone.log)")
        #expect(secondDone.state == .succeeded, "\(secondDone.log)")
        #expect(secondDone.log.contains { $0.hasPrefix("waited ") && $0.contains("for the operation that wrote revision 1") })
        #expect(secondDone.release?.revision == 2)
    }

    @Test("a provisioner SIGKILLed mid-apply leaves it held; another instance told that attempt ended takes over at once", arguments: subjects)
    func killedHolderTakenOver(_ subject: ContractSubject) async throws {
        let (harness, doomed) = try await subject.start(readyAfter: 60)
        let survivor = try await harness.startProvisioner()
        defer {
            survivor.stop()
            subject.stop(harness, doomed)
        }

        _ = try await doomed.post(harness.request(subject.service))
        try await subject.waitUntilHeld(harness)
        doomed.signal(SIGKILL)
        _ = try await doomed.waitForExit(timeout: .seconds(10))
        #expect(try await subject.isHeld(harness), "what the killed instance held stays held")

        // What the cloud server sends once the killed instance's replacement no longer knows it.
        var retry = harness.request(subject.service, .delete)
        retry.previousAttemptsEnded = true
        let done = try await survivor.run(retry)
        #expect(done.state == .succeeded, "\(done.log)")
        #expect(!done.log.contains { $0.hasPrefix("waited ") })
        #expect(try await subject.isInstalled(harness) == false)
    }
}

/// A service deployed one way, and how a test sees it on the cluster.
struct ContractSubject: Sendable, CustomTestStringConvertible {
    var service: ServiceName
    /// Values that change what is deployed.
    var changed: JSONValue
    /// `kubectl` arguments that change one deployed field by hand, and the field.
    var handEdit: [String]
    var editedField: String
    var testDescription: String { "\(service) (\(ServiceCatalog.standard[service]!.strategy.kind))" }

    static let helm = ContractSubject(
        service: "prometheus",
        changed: ["server": ["retention": "30d"]],
        handEdit: ["-n", "prometheus", "scale", "deployment/prometheus-server", "--replicas=3"],
        editedField: "spec.replicas"
    )
    static let objects = ContractSubject(
        service: "prometheus-stack",
        changed: ["prometheus": ["retention": "30d"]],
        handEdit: ["-n", "prometheus-stack", "patch", "prometheus/prometheus", "--type=merge", "-p", #"{"spec":{"retention":"1d"}}"#],
        editedField: "spec.retention"
    )

    /// An emulated cluster (with the operator's CRDs for objects: the emulator plays the operator)
    /// and a provisioner process.
    func start(readyAfter: Int = 0) async throws -> (DeployHarness, ServerProcess) {
        let harness = try await DeployHarness(readyAfter: readyAfter)
        if service == Self.objects.service {
            try await ObjectsDeployerTests.applyCRDs(harness)
        }
        return (harness, try await harness.startProvisioner())
    }

    func stop(_ harness: DeployHarness, _ server: ServerProcess) {
        server.stop()
        harness.close()
    }

    /// Whether an operation's mark holds it on the cluster: Helm's pending revision, the objects'
    /// record `applying` or `deleting`.
    func isHeld(_ harness: DeployHarness) async throws -> Bool {
        if service == Self.objects.service {
            return try await record(harness)?.status.isInProgress == true
        }
        return try await harness.history(harness.release(of: service)).last?.status.isPending == true
    }

    func isInstalled(_ harness: DeployHarness) async throws -> Bool {
        if service == Self.objects.service {
            let prometheus = try? await harness.kubectl(["-n", "prometheus-stack", "get", "prometheus", "prometheus", "-o", "name"])
            return try await record(harness) != nil || prometheus != nil
        }
        return try await !harness.history(harness.release(of: service)).isEmpty
    }

    func waitUntilHeld(_ harness: DeployHarness) async throws {
        let held = try await eventually(timeout: .seconds(60), every: .milliseconds(100)) { try await isHeld(harness) }
        if !held { throw DeployHarness.HarnessTimeout(message: "\(service) was never held by the operation") }
    }

    private func record(_ harness: DeployHarness) async throws -> ObjectRecord? {
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        return try await kube.objectRecord(name: "prometheus-stack", namespace: "prometheus-stack")?.record
    }
}

extension ServerProcess {
    /// Posts the request and waits for the deployment to end.
    fileprivate func run(_ request: DeploymentRequest) async throws -> DeploymentStatus {
        try await waitFor(try await post(request).decode(DeploymentStatus.self).id, timeout: .seconds(120))
    }
}
