import FleetAPI
import ServerSupport
import TestSupport
import Testing

@testable import cloud

extension RolloutLifecycleTests {
    /// The mock clock starts on Tuesday 2023-11-14 at 22:13:20 UTC.
    static let tuesdayLate = try! MaintenanceWindow(days: ["Tue"], start: "23:00", end: "23:30", timeZone: "UTC")

    @Test("a wave never starts outside the rollout's window, says so once, and starts when the window opens")
    mutating func windowHoldsWaves() throws {
        var rollout = try make(clusters: 2, canaries: 0, batch: .clusters(1))
        rollout.window = Self.tuesdayLate
        #expect(try advance(&rollout).writes.deployments.isEmpty)
        #expect(try advance(&rollout).writes.deployments.isEmpty)
        #expect(rollout.state == .running && rollout.wave == -1)
        #expect(rollout.history.filter { $0.state == "waiting-for-window" }.map(\.detail) == ["wave 1 of 2 waits for the window Tue 23:00-23:30 UTC"])

        clock.advance(by: .seconds(47 * 60))
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c1"])
    }

    @Test("a wave in flight when the window closes finishes; the next waits for the next window")
    mutating func windowClosesMidRollout() throws {
        clock.advance(by: .seconds(47 * 60))
        var rollout = try make(clusters: 2, canaries: 0, batch: .clusters(1))
        rollout.window = Self.tuesdayLate
        _ = try advance(&rollout)
        clock.advance(by: .seconds(31 * 60))
        endWave(rollout)
        #expect(try advance(&rollout).writes.deployments.isEmpty)
        #expect(rollout.clusters.map(\.state) == [.succeeded, .waiting])

        clock.advance(by: .seconds(7 * 86_400 - 31 * 60))
        #expect(try advance(&rollout).writes.deployments.map(\.clusterID) == ["c2"])
    }
}
