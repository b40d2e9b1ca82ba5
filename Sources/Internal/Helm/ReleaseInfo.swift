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
        self.init(
            name: release.name,
            namespace: release.namespace,
            revision: latest.revision,
            status: latest.status,
            chart: latest.chart
        )
    }

    enum CodingKeys: String, CodingKey {
        case name = "Name"
        case namespace = "Namespace"
        case revision = "Revision"
        case status = "Status"
        case chart = "Chart"
    }
}
