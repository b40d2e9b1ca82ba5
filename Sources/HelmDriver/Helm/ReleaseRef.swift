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
