/// One Kubernetes object by what names it: what a deployment of objects records it applied, so a
/// delete removes exactly those and a drift check reads exactly those.
public struct ObjectRef: Codable, Sendable, Hashable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    /// nil for a cluster-scoped object.
    public var namespace: String?
    public var name: String

    public init(apiVersion: String, kind: String, namespace: String? = nil, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Prometheus monitoring/main`, as messages name it.
    public var description: String { "\(kind) \(namespace.map { "\($0)/" } ?? "")\(name)" }

    /// Whether it can name request paths: a name and namespace that are one path segment each,
    /// an apiVersion that is `VERSION` or `GROUP/VERSION`. Names come from charts and from records
    /// kept in the cluster: neither may point a request anywhere else.
    var isPathSafe: Bool {
        [name, namespace ?? "default"].allSatisfy(KubeClient.isPathSegment)
            && apiVersion.wholeMatch(of: /([a-z0-9]([a-z0-9.-]*[a-z0-9])?\/)?v[0-9]+([a-z0-9]+)?/) != nil
    }

    /// `/api/v1` for the core group, `/apis/GROUP/VERSION` otherwise.
    var groupVersionPath: String { apiVersion.contains("/") ? "/apis/\(apiVersion)" : "/api/\(apiVersion)" }
}
