/// Where a release stands, as reported to API clients (PascalCase like the rest of the API).
public struct ReleaseInfo: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var revision: Int
    public var status: ReleaseStatus
    public var chart: String
    /// When the release was first installed (Helm's `info.first_deployed`, which upgrades and
    /// rollbacks keep): which installation a revision belongs to, as revisions start again at 1
    /// after an uninstall. An identity, compared for equality only: it is the time on the machine
    /// that installed. Nil when helm's summary did not say (`helm history` has no such field).
    public var firstDeployed: String?

    public init(name: String, namespace: String, revision: Int, status: ReleaseStatus, chart: String, firstDeployed: String? = nil) {
        self.name = name
        self.namespace = namespace
        self.revision = revision
        self.status = status
        self.chart = chart
        self.firstDeployed = firstDeployed
    }
}
