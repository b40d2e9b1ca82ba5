/// Helm's release status strings, kept open so a newer Helm's statuses pass through unchanged.
public struct ReleaseStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let deployed = ReleaseStatus(rawValue: "deployed")
    public static let superseded = ReleaseStatus(rawValue: "superseded")
    public static let failed = ReleaseStatus(rawValue: "failed")
    public static let uninstalling = ReleaseStatus(rawValue: "uninstalling")
    /// Uninstalled with --keep-history: the record stays, nothing is deployed.
    public static let uninstalled = ReleaseStatus(rawValue: "uninstalled")
    public static let pendingInstall = ReleaseStatus(rawValue: "pending-install")
    public static let pendingUpgrade = ReleaseStatus(rawValue: "pending-upgrade")
    public static let pendingRollback = ReleaseStatus(rawValue: "pending-rollback")

    /// Left by an operation that never finished; Helm refuses further upgrades until it is cleared.
    public var isPending: Bool { rawValue.hasPrefix("pending-") }
    /// A revision that once ran successfully, so it is a safe rollback target.
    public var wasDeployed: Bool { self == .deployed || self == .superseded }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
