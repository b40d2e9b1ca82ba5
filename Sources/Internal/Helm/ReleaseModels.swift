import Foundation

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
    /// When the revision was written (`updated`, Helm's `Info.LastDeployed`): for a pending
    /// revision, when the operation holding it began. Nil when helm printed no readable time.
    public var updated: Date?

    public init(revision: Int, status: ReleaseStatus, chart: String = "", description: String = "", updated: Date? = nil) {
        self.revision = revision
        self.status = status
        self.chart = chart
        self.description = description
        self.updated = updated
    }

    enum CodingKeys: String, CodingKey {
        case revision, status, chart, description, updated
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        revision = try container.decode(Int.self, forKey: .revision)
        status = try container.decode(ReleaseStatus.self, forKey: .status)
        chart = try container.decodeIfPresent(String.self, forKey: .chart) ?? ""
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        updated = (try? container.decodeIfPresent(String.self, forKey: .updated)).flatMap { $0.flatMap(RFC3339.date) }
    }
}

/// Go's `time.Time` in JSON: RFC 3339 with up to nine fractional digits and a `Z` or `±hh:mm` zone.
enum RFC3339 {
    static func date(_ text: String) -> Date? {
        guard let match = text.wholeMatch(of: /(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(\.\d{1,9})?([Zz]|[+-]\d\d:\d\d)/),
            let year = Int(match.1), let month = Int(match.2), let day = Int(match.3),
            let hour = Int(match.4), let minute = Int(match.5), let second = Int(match.6)
        else { return nil }
        var offset = 0
        let zone = match.8
        if zone != "Z" && zone != "z" {
            let sign = zone.hasPrefix("-") ? -1 : 1
            let parts = zone.dropFirst().split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2 else { return nil }
            offset = sign * (parts[0] * 3600 + parts[1] * 60)
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard let base = calendar.date(from: components) else { return nil }
        let fraction = match.7.flatMap { Double("0" + $0) } ?? 0
        return base.addingTimeInterval(fraction - Double(offset))
    }

    /// To the second, in UTC, as logs and messages show it.
    static func string(_ date: Date) -> String {
        date.formatted(.iso8601)
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
