/// A values file's contents (YAML, or JSON, which YAML reads too) and a name for its file.
public struct ValuesDocument: Sendable {
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}
