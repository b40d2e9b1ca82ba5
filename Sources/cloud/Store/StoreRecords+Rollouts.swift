import FleetAPI
import Foundation

extension StoreRecords {
    /// The states a rollout can still move on from, as an SQL list.
    static let unfinishedRolloutStatesSQL =
        "(" + RolloutState.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"

    func rollout(json: String) throws -> Rollout {
        try decode(Rollout.self, json: json)
    }

    /// A stored JSON column; a missing one (NULL) is not JSON and throws as such.
    func decode<T: Decodable>(_ type: T.Type, json: String?) throws -> T {
        try WireJSON.decoder().decode(type, from: Data((json ?? "").utf8))
    }
}
