/// A service's chart: its name in its repository, the repository, and the version pinned by default.
public struct ChartSpec: Sendable, Hashable {
    public var name: String
    /// The local name given to the repository (`helm repo add NAME URL`).
    public var repositoryName: String
    public var repositoryURL: String
    public var defaultVersion: String

    public init(name: String, repositoryName: String, repositoryURL: String, defaultVersion: String) {
        self.name = name
        self.repositoryName = repositoryName
        self.repositoryURL = repositoryURL
        self.defaultVersion = defaultVersion
    }
}
