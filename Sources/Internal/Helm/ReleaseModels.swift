/// A Helm release's identity: name within a namespace.
public struct ReleaseRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var namespace: String

    public init(name: String, namespace: String) {
        self.name = name
        self.namespace = namespace
    }

    public var description: String { "\(namespace)/\(name)" }
}

/// Helm's release status strings, kept open so a newer Helm's statuses pass through unchanged.
public struct ReleaseStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let deployed = ReleaseStatus(rawValue: "deployed")
    public static let superseded = ReleaseStatus(rawValue: "superseded")
    public static let failed = ReleaseStatus(rawValue: "failed")
    public static let uninstalling = ReleaseStatus(rawValue: "uninstalling")
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

/// One row of `helm history -o json` (same keys in Helm 3 and 4).
public struct ReleaseRevision: Sendable, Hashable, Decodable {
    public var revision: Int
    public var status: ReleaseStatus
    public var chart: String
    public var description: String

    public init(revision: Int, status: ReleaseStatus, chart: String = "", description: String = "") {
        self.revision = revision
        self.status = status
        self.chart = chart
        self.description = description
    }

    enum CodingKeys: String, CodingKey {
        case revision, status, chart, description
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        revision = try container.decode(Int.self, forKey: .revision)
        status = try container.decode(ReleaseStatus.self, forKey: .status)
        chart = try container.decodeIfPresent(String.self, forKey: .chart) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
    }
}

/// Where a release stands, as reported to API clients (PascalCase like the rest of the API).
public struct ReleaseInfo: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var revision: Int
    public var status: ReleaseStatus
    public var chart: String

    public init(name: String, namespace: String, revision: Int, status: ReleaseStatus, chart: String) {
        self.name = name
        self.namespace = namespace
        self.revision = revision
        self.status = status
        self.chart = chart
    }

    init(_ release: ReleaseRef, latest: ReleaseRevision) {
        self.init(name: release.name, namespace: release.namespace, revision: latest.revision,
                  status: latest.status, chart: latest.chart)
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name", namespace = "Namespace", revision = "Revision", status = "Status", chart = "Chart"
    }
}

/// The subset of the release document `helm upgrade|status -o json` prints that we read.
struct ReleaseDocument: Decodable {
    struct Info: Decodable { var status: ReleaseStatus }
    struct Chart: Decodable {
        struct Metadata: Decodable { var name: String; var version: String }
        var metadata: Metadata
    }
    var name: String
    var namespace: String
    var version: Int
    var info: Info
    var chart: Chart?

    var releaseInfo: ReleaseInfo {
        ReleaseInfo(name: name, namespace: namespace, revision: version, status: info.status,
                    chart: chart.map { "\($0.metadata.name)-\($0.metadata.version)" } ?? "")
    }
}
