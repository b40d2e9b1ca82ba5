import Foundation

extension StoreRecords {
    /// The states a rollout can still move on from, as an SQL list.
    static let unfinishedRolloutStatesSQL =
        "(" + RolloutState.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    func rollout(_ row: [SQLValue]) throws -> Rollout {
        try rollout(json: row[0].string ?? "{}")
    }

    func rollout(json: String) throws -> Rollout {
        try JSONDecoder().decode(Rollout.self, from: Data(json.utf8))
    }
}
