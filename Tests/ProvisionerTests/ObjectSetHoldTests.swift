import FleetAPI
import Foundation
import HelmDriver
import TestSupport
import Testing

@testable import provisioner

/// An object set's record, marked `applying` or `deleting` by the operation working on it, holds
/// the set for as long as that operation may live (its timeout and the slack, as a pending Helm
/// revision does), and no longer.
@Suite("An object set held by another operation", .tags(.integration))
struct ObjectSetHoldTests {
    /// Marks the set as an operation that began `ago` would have, without one running.
    static func markApplying(_ harness: DeployHarness, ago: Duration) async throws {
        _ = try await harness.kubectl(["create", "namespace", "prometheus-stack"])
        var record = ObjectRecord(
            name: "prometheus-stack",
            namespace: "prometheus-stack",
            version: "1.0.0",
            revision: 1,
            status: .applying,
            objects: [],
            firstApplied: "2026-01-01T00:00:00Z"
        )
        record.mark(.applying, at: Date() - ago.seconds)
        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        _ = try await kube.save(record, replacing: nil)
    }

    @Test("a mark older than the operation's timeout and the slack is taken as abandoned: the apply takes the set at once")
    func staleMarkTakenOver() async throws {
        let (harness, deployer) = try await ObjectsDeployerTests.start(.withCRDs)
        defer { harness.close() }
        try await Self.markApplying(harness, ago: .seconds(3600))

        let result = await ObjectsDeployerTests.run(deployer, harness.request("prometheus-stack"))

        #expect(result.outcome == .succeeded, "\(result)")
        #expect(result.details.release?.revision == 2, "the abandoned attempt's revision is counted")
        #expect(!result.details.log.contains { $0.hasPrefix("waited ") })
    }

    @Test("a mark that may still be a live operation's is waited for, and given up at the deadline with nothing changed")
    func liveMarkGivenUp() async throws {
        let (harness, deployer) = try await ObjectsDeployerTests.start(.withCRDs)
        defer { harness.close() }
        try await Self.markApplying(harness, ago: .zero)
        let notes = HeldReleaseTests.WaitingNotes()

        // Long enough that its first reads finish on a loaded host before the wait begins.
        let result = await ObjectsDeployerTests.run(deployer, harness.request("prometheus-stack"), timeout: .seconds(20), events: notes.events)

        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(failure.kind == .releaseHeld)
        #expect(failure.message.contains("gave up waiting for another operation on this set: revision 1 of prometheus-stack is applying"))
        #expect(notes.all.first??.contains("taken as abandoned at") == true)
        #expect(try await ObjectsDeployerTests.prometheus(harness) == nil, "nothing was applied")
    }
}
