import FleetAPI
import Foundation
import HelmDriver
import Synchronization
import TestSupport
import Testing

@testable import provisioner

/// A release another helm is working on is pending; that helm may be alive (on a partitioned or
/// slow provisioner), so the release is waited for, never rolled back or uninstalled under it.
@Suite("A release held by another operation", .serialized, .tags(.integration), .skippedInFastRuns)
struct HeldReleaseTests {
    /// Notes the deployment reported while it ran (nil: it stopped waiting).
    final class WaitingNotes: Sendable {
        let notes = Mutex<[String?]>([])
        var events: DeploymentEvents { DeploymentEvents(waiting: { note in self.notes.withLock { $0.append(note) } }) }
        var all: [String?] { notes.withLock { $0 } }
    }

    static func quickPolls(_ configuration: inout HelmConfiguration) {
        configuration.heldReleasePoll = .milliseconds(200)
    }

    @Test("an apply waits while another helm holds the release, then applies over what it did")
    func applyWaitsForLiveOperation() async throws {
        // Long enough for the apply to find the other install still pending, even on a loaded host
        // (in CI the suites all start at once).
        let harness = try await DeployHarness(readyAfter: 60, configure: Self.quickPolls)
        defer { harness.close() }
        let release = harness.release(of: "prometheus")
        let other = try harness.startRawHelm("prometheus", version: "25.18.0")
        try await harness.waitFor(.pendingInstall, of: release)
        try #require(other.isRunning, "the other helm ended before it could be waited for: \(harness.rawHelmLog)")

        let waiting = WaitingNotes()
        let result = await harness.deploy(
            harness.request("prometheus", values: ["server": ["podAnnotations": ["after": "wait"]]]),
            within: .seconds(120),
            events: waiting.events
        )
        other.waitUntilExit()

        #expect(result.outcome == .succeeded)
        #expect(result.details.helm?.recovery == nil)
        #expect(other.terminationStatus == 0, "the other helm finished its own install")
        #expect(waiting.all.first??.hasPrefix("waiting for another operation on this release: revision 1 of \(release) is pending-install") == true)
        #expect(waiting.all.last == .some(nil))
        #expect(result.details.log.contains { $0.hasPrefix("waited ") && $0.hasSuffix("for the operation that wrote revision 1 (pending-install)") })
        let polls = result.details.log.filter { $0.hasPrefix("helm history") }
        #expect(polls.count == 1 && polls[0].hasSuffix(" times)"), "the polls of the held release are one line with a count: \(polls)")
        #expect(try await harness.history(release).map(\.status) == [.superseded, .deployed])
    }

    @Test("a release still held at the deadline is given up and left exactly as it was", arguments: [DeploymentAction.apply, .delete])
    func givenUpAtDeadline(action: DeploymentAction) async throws {
        let harness = try await DeployHarness(readyAfter: 60, configure: Self.quickPolls)
        defer { harness.close() }
        let release = harness.release(of: "nginx")
        let other = try harness.startRawHelm("nginx", version: "4.15.1")
        defer {
            kill(other.processIdentifier, SIGKILL)
            other.waitUntilExit()
        }
        try await harness.waitFor(.pendingInstall, of: release)

        let result = await harness.deploy(harness.request("nginx", action), within: .seconds(10))

        guard case .failed(let error) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(error.kind == .releaseHeld)
        #expect(error.message.contains("gave up waiting for another operation on this release"))
        #expect(result.details.helm?.recovery == nil && result.details.helm?.remediation == nil)
        #expect(!result.details.log.contains { $0.hasPrefix("helm rollback") || $0.hasPrefix("helm uninstall") })
        // An apply tries its upgrade first (one helm process in the common case); helm refuses it.
        #expect(result.details.log.filter { $0.hasPrefix("helm upgrade") }.allSatisfy { $0.contains("another operation") })
        #expect(try await harness.history(release).map(\.status) == [.pendingInstall])
        #expect(other.isRunning, "the other helm was left alone")
    }

    @Test("two provisioners: the second waits, visibly, until the first one's helm finishes, and touches nothing before")
    func secondProvisionerWaitsForFirst() async throws {
        let harness = try await DeployHarness(readyAfter: 15)
        let first = try await harness.startProvisioner()
        let second = try await harness.startProvisioner()
        defer {
            first.stop()
            second.stop()
            harness.close()
        }
        let release = harness.release(of: "nginx")

        let firstID = try await first.post(harness.request("nginx")).decode(DeploymentStatus.self).id
        try await harness.waitFor(.pendingInstall, of: release)
        let secondID = try await second.post(harness.request("nginx", values: ["controller": ["replicaCount": 2]]))
            .decode(DeploymentStatus.self).id
        let waiting = try await Self.poll(until: .seconds(60)) {
            let status = try await second.deployment(secondID)
            return status.waiting.map { ($0, status.state) }
        }
        #expect(waiting.0.contains("waiting for another operation on this release"))
        #expect(waiting.1 == .running)
        #expect(try await first.deployment(firstID).state == .running)

        let firstDone = try await first.waitFor(firstID)
        let secondDone = try await second.waitFor(secondID)
        #expect(firstDone.state == .succeeded, "\(firstDone.log)")
        #expect(secondDone.state == .succeeded, "\(secondDone.log)")
        #expect(secondDone.recovery == nil && secondDone.waiting == nil)
        #expect(try await harness.history(release).map(\.status) == [.superseded, .deployed])
    }

    static func poll<T>(until limit: Duration, _ probe: () async throws -> T?) async throws -> T {
        var value: T?
        let found = try await eventually(timeout: limit, every: .milliseconds(150)) {
            value = try await probe()
            return value != nil
        }
        guard found, let value else { throw DeployHarness.HarnessTimeout(message: "condition not met within \(limit)") }
        return value
    }
}
