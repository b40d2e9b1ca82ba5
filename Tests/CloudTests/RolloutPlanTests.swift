import Testing

@testable import cloud

/// How a rollout's clusters are split into waves, and how users write sizes and budgets.
@Suite("Rollout plan")
struct RolloutPlanTests {
    let twelve = (1...12).map { "c\($0)" }

    @Test("one canary, then batches of 25% of the rest (rounded up), in selection order")
    func canaryThenPercentBatches() throws {
        let plan = try RolloutPlan(targets: twelve, canaries: .first(1), batchSize: .percent(25))
        #expect(plan.waves == [["c1"], ["c2", "c3", "c4"], ["c5", "c6", "c7"], ["c8", "c9", "c10"], ["c11", "c12"]])
    }

    @Test("named canaries go first wherever they were selected; the rest keep their order")
    func namedCanaries() throws {
        let plan = try RolloutPlan(targets: twelve, canaries: .clusters(["c7", "c3"]), batchSize: .clusters(5))
        #expect(plan.waves == [["c3", "c7"], ["c1", "c2", "c4", "c5", "c6"], ["c8", "c9", "c10", "c11", "c12"]])
    }

    @Test("without canaries, a batch of 100% is the whole fleet at once")
    func wholeFleet() throws {
        #expect(try RolloutPlan(targets: twelve, canaries: .none, batchSize: .percent(100)).waves == [twelve])
    }

    @Test("a cluster selected twice is in one wave only")
    func duplicatesOnce() throws {
        #expect(try RolloutPlan(targets: ["a", "b", "a"], canaries: .none, batchSize: .clusters(1)).waves == [["a"], ["b"]])
    }

    @Test("an empty selection, a canary outside it, or canaries taking every cluster are refused, naming the field")
    func refusals() {
        #expect(throws: RolloutPlan.Invalid.self) { try RolloutPlan(targets: [], canaries: .none, batchSize: .clusters(1)) }
        #expect(
            performing: { try RolloutPlan(targets: twelve, canaries: .clusters(["x"]), batchSize: .clusters(1)) },
            throws: {
                ($0 as? RolloutPlan.Invalid)?.field == "CanaryClusters"
            }
        )
        #expect(
            performing: { try RolloutPlan(targets: twelve, canaries: .first(12), batchSize: .clusters(1)) },
            throws: {
                ($0 as? RolloutPlan.Invalid)?.field == "Canary"
            }
        )
    }

    @Test("sizes are N clusters or P%; a batch is at least one cluster, a failure budget may be zero")
    func parsing() throws {
        #expect(try RolloutShare(parsing: "25%", allowZero: false) == .percent(25))
        #expect(try RolloutShare(parsing: "3", allowZero: false) == .clusters(3))
        #expect(try RolloutShare(parsing: "0", allowZero: true) == .clusters(0))
        for bad in ["0", "0%", "101%", "-1", "x", "2.5", ""] {
            #expect(throws: RolloutShare.Invalid.self, "\(bad)") { try RolloutShare(parsing: bad, allowZero: false) }
        }
    }

    @Test("a percentage rounds up for a batch and down for a failure budget")
    func rounding() {
        #expect(RolloutShare.percent(10).count(of: 12, roundingUp: true) == 2)
        #expect(RolloutShare.percent(10).count(of: 12, roundingUp: false) == 1)
        #expect(RolloutShare.clusters(50).count(of: 12, roundingUp: true) == 12)
    }
}
