import Foundation
import ServerSupport

/// Which events someone wants: types by name (`rollout.halted`) or by kind (`rollout.*`), and
/// optionally one object's. Empty types take every event.
struct EventFilter: Sendable, Equatable {
    var types: [String]
    var objectID: String?

    static let everything = EventFilter(types: [])

    init(types: [String], objectID: String? = nil) {
        self.types = types
        self.objectID = objectID
    }

    /// From a comma-separated list as `--events` and `?types=` take it; an unknown name is refused
    /// naming `field`, so a typo does not silently match nothing.
    static func parse(_ list: String?, objectID: String? = nil, field: String) throws(APIError) -> EventFilter {
        let names = (list ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        for name in names where !isKnown(name) {
            throw .badRequest(
                "\(field): unknown event type \"\(name.prefix(64))\"; use one of \(FleetEvent.Kind.allCases.map { "\($0).*" }.joined(separator: ", ")) or a type such as rollout.halted",
                field: field
            )
        }
        return EventFilter(types: names, objectID: objectID)
    }

    private static func isKnown(_ name: String) -> Bool {
        if name == "*" { return true }
        if name.hasSuffix(".*") { return FleetEvent.Kind(rawValue: String(name.dropLast(2))) != nil }
        return FleetEvent.types.contains(name)
    }

    func matches(_ event: FleetEvent) -> Bool {
        if let objectID, event.objectID != objectID { return false }
        guard !types.isEmpty else { return true }
        return types.contains { pattern in
            pattern == "*" || pattern == event.type || (pattern.hasSuffix(".*") && event.type.hasPrefix(pattern.dropLast()))
        }
    }
}
