/// `GET /api/service/{name}/versions`: the chart versions of a service one provisioner can deploy
/// now, so the cloud server can refuse a version none of them has before any cluster is asked.
public struct ChartVersions: Codable, Sendable, Equatable {
    public var service: ServiceName
    public var chart: String
    /// Where the versions come from: the chart repository's URL, or `chart directory`.
    public var source: String
    /// Newest first.
    public var versions: [String]

    public init(service: ServiceName, chart: String, source: String, versions: [String]) {
        self.service = service
        self.chart = chart
        self.source = source
        self.versions = versions
    }

    /// Whether `version` is one of them; a leading `v` is not part of the version, as for helm's
    /// `--version`.
    public func offers(_ version: String) -> Bool {
        let wanted = version.trimmingPrefix("v")
        return versions.contains { $0.trimmingPrefix("v") == wanted }
    }
}
