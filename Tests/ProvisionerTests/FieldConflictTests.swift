import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import provisioner

/// Helm 4 applies server-side: a field someone else changed (`kubectl scale`) belongs to them, and
/// the next apply that sets it conflicts, as on a real API server. An ordinary apply fails saying
/// so; a drift correction (`ForceConflicts`) takes the field back; a release applied client-side
/// (as Helm 3 did) goes on as before.
@Suite("Server-side apply's field conflicts", .serialized, .tags(.integration), .skippedInFastRuns)
struct FieldConflictTests {
    func scale(_ harness: DeployHarness, to replicas: Int) async throws {
        try await harness.kubectl(["-n", "prometheus", "scale", "deployment/prometheus-server", "--replicas=\(replicas)"])
    }

    func replicas(_ harness: DeployHarness) async throws -> String {
        try await harness.kubectl(["-n", "prometheus", "get", "deployment/prometheus-server", "-o", "jsonpath={.spec.replicas}"])
    }

    @Test("an apply meeting a field kubectl changed fails naming the field and the manager, and how to take it back")
    func conflictFails() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus")).outcome == .succeeded)
        try await scale(harness, to: 3)

        let result = await harness.deploy(harness.request("prometheus", values: ["server": ["retention": "30d"]]))
        guard case .failed(let failure) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        let message = failure.message
        #expect(message.hasPrefix("fields of the release were changed by another manager"), "\(message)")
        #expect(message.contains(#"conflict with "kubectl""#) && message.contains(".spec.replicas"), "\(message)")
        #expect(try await replicas(harness) == "3", "nothing forced")
    }

    @Test("a correction forces the field back and says so in its log")
    func correctionForces() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("prometheus")).outcome == .succeeded)
        try await scale(harness, to: 3)

        var correction = harness.request("prometheus")
        correction.forceConflicts = true
        let result = await harness.deploy(correction)
        #expect(result.outcome == .succeeded, "\(result.outcome)")
        #expect(result.details.log.contains { $0.hasPrefix("force conflicts: fields other managers changed are taken back") })
        #expect(try await replicas(harness) == "1")
    }

    @Test("a release applied client-side, as Helm 3 does, is upgraded and corrected without conflicts")
    func clientSideRelease() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        try await harness.installByHand("prometheus", ["--server-side=false", "--wait"])
        try await scale(harness, to: 3)

        var correction = harness.request("prometheus")
        correction.forceConflicts = true
        let corrected = await harness.deploy(correction)
        #expect(corrected.outcome == .succeeded, "\(corrected.outcome)")
        #expect(corrected.details.log.contains { $0.hasPrefix("force conflicts: the release is applied client-side") })
        #expect(try await replicas(harness) == "1")
        #expect(await harness.deploy(harness.request("prometheus", values: ["server": ["retention": "30d"]])).outcome == .succeeded)
    }
}
