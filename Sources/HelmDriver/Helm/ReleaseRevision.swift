public import FleetAPI
public import Foundation

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
