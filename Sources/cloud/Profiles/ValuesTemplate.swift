import FleetAPI

/// A profile's values, each string leaf a Mustache template over one cluster (`{{cluster.name}}`,
/// `{{cluster.labels.region}}`, `{{cluster.kubernetesVersion}}`, `{{cluster.privateDomain}}`,
/// `{{cluster.id}}`). Leaves are rendered one by one after the document is parsed, as plain text
/// (no HTML escaping), so a cluster's label can never add YAML structure; a variable the cluster
/// lacks is an error, not an empty string.
struct ValuesTemplate: Sendable, Equatable {
    let values: JSONValue
    /// Each templated leaf parsed once, by path: a profile is rendered for every cluster it selects.
    private let templates: [String: ClusterTemplate]

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.values == rhs.values }

    /// Whether a leaf names `cluster.kubernetesVersion`, which must then be read first.
    let usesKubernetesVersion: Bool

    struct Failure: Error, Equatable, CustomStringConvertible {
        /// Where in the values, e.g. `logLevel` or `tolerations[0].value`.
        var path: String
        var reason: String
        var description: String { "values.\(path): \(reason)" }
    }

    typealias ClusterFacts = ClusterTemplate.Facts

    /// Checks every template parses, so a syntax error is refused when the profile is applied.
    init(_ values: JSONValue) throws(Failure) {
        self.values = values
        var templates: [String: ClusterTemplate] = [:]
        var usesVersion = false
        try Self.visit(values, path: "") { text, path throws(Failure) in
            guard text.contains("{{") else { return }
            let template: ClusterTemplate
            do throws(ClusterTemplate.Failure) {
                template = try ClusterTemplate(text)
            } catch {
                throw Failure(path: path, reason: error.reason)
            }
            templates[path] = template
            usesVersion = usesVersion || template.usesKubernetesVersion
        }
        self.templates = templates
        usesKubernetesVersion = usesVersion
    }

    func render(for cluster: ClusterFacts) throws(Failure) -> JSONValue {
        try Self.rewrite(values, path: "") { text, path throws(Failure) in
            guard let template = templates[path] else { return text }
            do throws(ClusterTemplate.Failure) {
                return try template.render(for: cluster)
            } catch {
                throw Failure(path: path, reason: error.reason)
            }
        }
    }

    private static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    private static func visit(_ value: JSONValue, path: String, _ body: (String, String) throws(Failure) -> Void) throws(Failure) {
        switch value {
        case .string(let text): try body(text, path)
        case .array(let items): for (index, item) in items.enumerated() { try visit(item, path: "\(path)[\(index)]", body) }
        case .object(let fields): for (key, item) in fields { try visit(item, path: child(path, key), body) }
        case .null, .bool, .number: break
        }
    }

    private static func rewrite(_ value: JSONValue, path: String, _ body: (String, String) throws(Failure) -> String) throws(Failure) -> JSONValue {
        switch value {
        case .string(let text):
            return .string(try body(text, path))
        case .array(let items):
            var result: [JSONValue] = []
            for (index, item) in items.enumerated() { result.append(try rewrite(item, path: "\(path)[\(index)]", body)) }
            return .array(result)
        case .object(let fields):
            var result: [String: JSONValue] = [:]
            for (key, item) in fields { result[key] = try rewrite(item, path: child(path, key), body) }
            return .object(result)
        case .null, .bool, .number:
            return value
        }
    }
}
