import FleetAPI
import Foundation
import NIOCore
import ServerSupport
import Testing

@testable import provisioner

/// What the status route reads: each deployment's latest status, a finished one as JSON encoded
/// once, kept as long as the queue retains it.
@Suite("Status board")
struct StatusBoardTests {
    private static func status(_ state: DeploymentState) -> DeploymentStatus {
        DeploymentStatus(
            id: "d-1",
            clusterID: "c-1",
            service: "nginx",
            action: .apply,
            chart: ChartRequest(version: "4.15.1"),
            state: state,
            createAt: 1
        )
    }

    @Test("an unfinished status is answered as a value, each change replacing the last")
    func unfinishedAsValue() {
        let board = StatusBoard(retention: .seconds(60))
        board.publish(Self.status(.queued))
        board.publish(Self.status(.running))
        guard case .status(let status) = board.answer(for: "d-1") else {
            Issue.record("expected a status value")
            return
        }
        #expect(status.state == .running)
    }

    @Test("a finished status is answered as the JSON every answer has, until its retention ends")
    func finishedAsJSONUntilRetentionEnds() throws {
        let board = StatusBoard(retention: .seconds(60))
        let finishedAt = ContinuousClock.now
        board.publish(Self.status(.succeeded), now: finishedAt)

        guard case .json(let json) = board.answer(for: "d-1", now: finishedAt + .seconds(59)) else {
            Issue.record("expected JSON")
            return
        }
        #expect(json == (try JSONResponse.encode(Self.status(.succeeded))))
        #expect(board.answer(for: "d-1", now: finishedAt + .seconds(60)) == nil)
    }

    @Test("a status the queue pruned is gone; another is unknown")
    func removedAndUnknown() {
        let board = StatusBoard(retention: .seconds(60))
        board.publish(Self.status(.failed))
        board.remove(["d-1"])
        #expect(board.answer(for: "d-1") == nil)
        #expect(board.answer(for: "d-2") == nil)
    }
}
