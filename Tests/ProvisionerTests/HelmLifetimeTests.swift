import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// helm runs in a process group of its own, so a signal to the provisioner's group never reaches
/// it; yet it must not outlive a provisioner killed outright, or it would go on holding the
/// release while another instance recovers it.
@Suite("helm's lifetime", .serialized, .tags(.integration), .skippedInFastRuns)
struct HelmLifetimeTests {
    @Test("helm dies with a SIGKILLed provisioner, and the next apply on another instance succeeds")
    func helmDiesWithProvisioner() async throws {
        let harness = try await DeployHarness()
        let doomed = try await harness.startProvisioner()
        let survivor = try await harness.startProvisioner()
        defer {
            doomed.stop()
            survivor.stop()
            harness.close()
        }
        let release = harness.release(of: "nginx")

        // Workloads that never become ready keep the first helm waiting until it is killed.
        let neverReady: JSONValue = ["controller": ["image": ["tag": "fail-readiness"]]]
        _ = try await doomed.post(harness.request("nginx", values: neverReady))
        try await harness.waitFor(.pendingInstall, of: release)
        // helm and the supervisor that holds the release's Lease for it.
        let helm = doomed.descendants
        try #require(helm.count >= 2, "a helm process holds the release, under its supervisor")
        #expect(helm.allSatisfy(Self.alive))

        doomed.signal(SIGKILL)
        _ = try await doomed.waitForExit(timeout: .seconds(10))
        // The kernel kills each child as its parent exits (PR_SET_PDEATHSIG); a second is slack.
        try await Self.waitUntilGone(helm, within: .seconds(1))

        // What the cloud server sends once the killed instance's replacement no longer knows the
        // deployment: the release is recovered at once, not waited for until provably stale.
        var retry = harness.request("nginx")
        retry.previousAttemptsEnded = true
        let id = try await survivor.post(retry).decode(DeploymentStatus.self).id
        let done = try await survivor.waitFor(id)
        #expect(done.state == .succeeded, "\(done.log)")
        #expect(try await harness.history(release).allSatisfy { !$0.status.isPending })
    }

    /// Running: not gone, nor a zombie waiting for a reaper that is not its killed parent.
    static func alive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        let state = stat.split(separator: ")").last?.split(separator: " ").first
        return state != "Z" && state != "X"
    }

    static func waitUntilGone(_ pids: [Int32], within limit: Duration) async throws {
        let gone = await eventually(timeout: limit, every: .milliseconds(20)) { !pids.contains(where: alive) }
        if !gone { Issue.record("helm \(pids.filter(alive)) still runs \(limit) after its provisioner died") }
    }
}
