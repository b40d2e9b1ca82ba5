import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// Provisioner failover by the release's Lease: a helm that changes a release runs under a
/// supervisor that holds a `coordination.k8s.io` Lease on it, so another instance can tell a dead
/// holder (Lease expired: take the release over at once) from a live one (wait).
@Suite("Release Leases", .serialized, .tags(.integration), .skippedInFastRuns)
struct ReleaseLeaseTests {
    /// This test process's deployer runs helm under the built provisioner's `helm-supervise`, as a
    /// provisioner does.
    static func leased(_ configuration: inout HelmConfiguration) {
        configuration.heldReleasePoll = .milliseconds(200)
        configuration.leasing = ReleaseLeasing(supervisor: ServerProcess.binary("provisioner"), instance: "in-test")
    }

    /// A provisioner process on the harness's emulator, started on an install of nginx that is
    /// left pending (the emulator's workloads become ready only after a while), its Lease held.
    static func pendingInstall(_ harness: DeployHarness) async throws -> ServerProcess {
        let other = try await ServerProcess.provisioner(scratch: harness.scratch)
        _ = try await other.post(harness.request("nginx")).decode(DeploymentStatus.self)
        let release = harness.release(of: "nginx")
        try await harness.waitFor(.pendingInstall, of: release)
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        let held = try await eventually(timeout: .seconds(30)) {
            try await kube.lease(namespace: release.namespace, name: ReleaseLeasing.leaseName(release: release.name)) != nil
        }
        guard held else { throw ServerProcess.StartFailure(log: "the other provisioner's helm holds no Lease on \(release)") }
        return other
    }

    @Test("a provisioner SIGKILLed mid-install takes its helm with it; the other takes the release over once the Lease expires")
    func killedHolderIsTakenOver() async throws {
        let harness = try await DeployHarness(readyAfter: 20, configure: Self.leased)
        defer { harness.close() }
        let other = try await Self.pendingInstall(harness)
        other.signal(SIGKILL)

        let result = await harness.deploy(harness.request("nginx"), within: .seconds(300))

        #expect(result.outcome == .succeeded, "\(result.details.log)")
        #expect(
            result.details.log.contains { $0.contains("(pending-install) is abandoned, taken over: its helm is gone") },
            "waited on the Lease, not the operation's timeout: \(result.details.log)"
        )
        #expect(try await harness.history(harness.release(of: "nginx")).last?.status == .deployed)
    }

    @Test("a frozen provisioner (SIGSTOP) keeps its helm and its Lease: the other waits, and applies after that helm finished")
    func frozenHolderIsWaitedFor() async throws {
        let harness = try await DeployHarness(readyAfter: 20, configure: Self.leased)
        defer { harness.close() }
        let other = try await Self.pendingInstall(harness)
        other.signal(SIGSTOP)
        defer {
            other.signal(SIGCONT)
            other.stop()
        }

        let result = await harness.deploy(
            harness.request("nginx", values: ["controller": ["podAnnotations": ["after": "wait"]]]),
            within: .seconds(300)
        )

        #expect(result.outcome == .succeeded, "\(result.details.log)")
        #expect(!result.details.log.contains { $0.contains("taken over") }, "\(result.details.log)")
        #expect(result.details.log.contains { $0.hasPrefix("waited ") && $0.hasSuffix("for the operation that wrote revision 1 (pending-install)") })
        #expect(
            try await harness.history(harness.release(of: "nginx")).map(\.status) == [.superseded, .deployed],
            "the frozen provisioner's helm finished its install"
        )
    }

    @Test("a finished helm gives its Lease up, so the next operation need not wait for it to run out")
    func leaseGivenUp() async throws {
        let harness = try await DeployHarness(configure: Self.leased)
        defer { harness.close() }
        let result = await harness.deploy(harness.request("nginx"))
        #expect(result.outcome == .succeeded, "\(result.details.log)")
        let release = harness.release(of: "nginx")
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        #expect(try await kube.lease(namespace: release.namespace, name: ReleaseLeasing.leaseName(release: release.name)) == nil)
    }

    @Test("a Lease whose helm died before writing the release is waited for, and taken over once seen unrenewed for its duration")
    func leaseWithoutRevisionIsTakenOver() async throws {
        let harness = try await DeployHarness(configure: Self.leased)
        defer { harness.close() }
        let release = harness.release(of: "nginx")
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        let lease = ReleaseLeasing.leaseName(release: release.name)
        try await kube.createNamespace(release.namespace)
        let written = try await kube.writeLease(
            namespace: release.namespace,
            name: lease,
            holder: "gone/upgrade",
            duration: .seconds(15),
            now: Date()
        )
        #expect(written != .conflict && written != .noNamespace)

        let result = await harness.deploy(harness.request("nginx"), within: .seconds(300))

        #expect(result.outcome == .succeeded, "\(result.details.log)")
        #expect(
            result.details.log.contains {
                $0.contains("the release's Lease is abandoned, taken over: its helm is gone: gone/upgrade stopped renewing")
            },
            "\(result.details.log)"
        )
        #expect(try await harness.history(release).map(\.status) == [.deployed])
    }
}

extension ReleaseLeaseTests {
    @Test("a holder cut off from the cluster kills its helm before its Lease runs out, as a leader that cannot renew steps down")
    func cutOffHolderFencesItself() async throws {
        let harness = try await DeployHarness(readyAfter: 120, policy: .none, configure: Self.leased)
        defer { harness.close() }
        // The deployment reaches the cluster through a relay the test can cut.
        let emulatorPort = try URLTarget(parsing: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed).server).port
        let proxy = try TCPProxy(to: emulatorPort)
        var request = harness.request("nginx")
        request.kubeconfig = harness.emulator.kubeconfig.replacingOccurrences(of: ":\(emulatorPort)", with: ":\(proxy.port)")
        let release = harness.release(of: "nginx")
        let lease = ReleaseLeasing.leaseName(release: release.name)
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))

        let deploying = Task { await harness.deploy(request, within: .seconds(300)) }
        try await harness.waitFor(.pendingInstall, of: release)
        #expect(try await eventually(timeout: .seconds(30)) { try await kube.lease(namespace: release.namespace, name: lease) != nil })
        // Other suites run helm upgrades of nginx at the same time: ours is the one whose
        // kubeconfig goes through the relay.
        let through = #":\#(proxy.port)""#  // the end of the server URL in helm's JSON kubeconfig
        #expect(await eventually(timeout: .seconds(30)) { Self.helmRunning(["upgrade", release.name], kubeconfigContaining: through) })
        proxy.cut()
        #expect(
            await eventually(timeout: .seconds(60), every: .milliseconds(100)) {
                !Self.helmRunning(["upgrade", release.name], kubeconfigContaining: through)
            }
        )
        let stoppedBy = Date()
        proxy.restore()
        let result = await deploying.value

        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(
            failure.message.contains("helm was stopped: the release's Lease \(release.namespace)/\(lease) could not be renewed"),
            "\(failure.message)"
        )
        let held = try #require(try await kube.lease(namespace: release.namespace, name: lease), "a fenced holder leaves its Lease to run out")
        let expiry = try #require(held.renewed) + held.duration.seconds
        #expect(stoppedBy < expiry, "helm was killed before the Lease expired at \(expiry)")
    }

    /// Whether a helm process (not its supervisor) runs with all of `words` among its arguments
    /// and a kubeconfig file that contains `text`.
    static func helmRunning(_ words: [String], kubeconfigContaining text: String) -> Bool {
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return processes.contains { pid in
            guard Int32(pid) != nil, let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let arguments = data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard !arguments.contains("helm-supervise"), words.allSatisfy(arguments.contains),
                let flag = arguments.firstIndex(of: "--kubeconfig"), arguments.indices.contains(flag + 1),
                let kubeconfig = try? String(contentsOfFile: arguments[flag + 1], encoding: .utf8)
            else { return false }
            return kubeconfig.contains(text)
        }
    }
}
