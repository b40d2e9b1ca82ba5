import Yams

extension JSONValue {
    /// Reads a YAML document (JSON is YAML too), as Helm reads a values file.
    public init(yaml text: String) throws {
        self = try YAMLDecoder().decode(JSONValue.self, from: text)
    }
}
