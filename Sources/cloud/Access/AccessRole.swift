/// What an API token may do on the cloud server. Ordered: each role may do all the one before it may.
public enum AccessRole: String, Sendable, Codable, CaseIterable, Comparable {
    /// Reads only.
    case viewer
    /// Also creates and cancels deployments and provisions clusters.
    case `operator`
    /// Also registers and deletes clusters, reads the audit log, and anything not named for a lesser role.
    case admin

    private var rank: Int {
        switch self {
        case .viewer: 0
        case .operator: 1
        case .admin: 2
        }
    }

    public static func < (lhs: AccessRole, rhs: AccessRole) -> Bool { lhs.rank < rhs.rank }
}
