/// Whether a release on a cluster is still what was last applied, and if not, one reason per
/// finding: the release gone, failed or pending, changed by someone else (revision or chart), or
/// an object of its manifest deleted or edited.
public struct DriftReport: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable {
        case inSync = "InSync"
        case drifted = "Drifted"
    }

    public var state: State
    public var reasons: [String]

    public init(reasons: [String]) {
        self.state = reasons.isEmpty ? .inSync : .drifted
        self.reasons = reasons
    }
}
