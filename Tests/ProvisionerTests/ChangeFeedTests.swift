import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import provisioner

/// `GET /api/deployments/changes`: what the cloud server long-polls to learn outcomes at once.
@Suite("Provisioner change feed", .serialized, .tags(.integration), .skippedInFastRuns)
struct ChangeFeedTests {
    @Test("a long poll returns as soon as a deployment is queued, and later pages carry its outcome")
    func longPollWakesOnChange() async throws {
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner()
        defer {
            server.stop()
            harness.close()
        }

        let empty = try await server.request("GET", "/api/deployments/changes").decode(DeploymentChanges.self)
        #expect(empty.deployments.isEmpty)

        // Whether the poll is already waiting when the deployment arrives or not, it must return it;
        // that a waiting reader is woken is ChangeSignalTests' business.
        async let woken = server.request("GET", "/api/deployments/changes?after=\(empty.sequence)&wait=30")
        let id = try await server.post(harness.request("nginx")).decode(DeploymentStatus.self).id
        let first = try await woken.decode(DeploymentChanges.self)
        #expect(first.instance == empty.instance)
        #expect(first.deployments.map(\.id) == [id])
        #expect(first.sequence > empty.sequence)

        var cursor = first.sequence
        var last = first.deployments[0].state
        while !last.isFinal {
            let page = try await server.request("GET", "/api/deployments/changes?after=\(cursor)&wait=30").decode(DeploymentChanges.self)
            cursor = page.sequence
            last = page.deployments.last?.state ?? last
        }
        #expect(last == .succeeded)
    }

    @Test("a long poll with nothing new returns empty after its wait")
    func longPollTimesOut() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let server = try await ServerProcess.provisioner(scratch: scratch)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }

        let asked = ContinuousClock.now
        let page = try await server.request("GET", "/api/deployments/changes?after=0&wait=1").decode(DeploymentChanges.self)
        #expect(ContinuousClock.now - asked >= .milliseconds(950), "it answered before its wait was over")
        #expect(page.deployments.isEmpty)
        #expect(page.sequence == 0)
    }

    @Test(
        "after and wait must be whole numbers in range; the error names the field",
        arguments: [("after=-1", "after"), ("after=x", "after"), ("wait=61", "wait"), ("wait=1.5", "wait")]
    )
    func badParameters(query: String, field: String) async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let server = try await ServerProcess.provisioner(scratch: scratch)
        defer {
            server.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }

        let reply = try await server.request("GET", "/api/deployments/changes?\(query)")
        #expect(reply.status == 400)
        #expect(reply.error?.field == field)
    }
}
