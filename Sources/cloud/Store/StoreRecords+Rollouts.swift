import Foundation

extension StoreRecords {
    /// The states a rollout can still move on from, as an SQL list.
    static let unfinishedRolloutStatesSQL =
        "(" + RolloutState.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    func rollout(_ row: [SQLValue]) throws -> Rollout {
        try JSONDecoder().decode(Rollout.self, from: Data((row[0].string ?? "{}").utf8))
    }
}
