import FleetAPI
import Mustache

/// A profile's values, each string leaf a Mustache template over one cluster (`{{cluster.name}}`,
/// `{{cluster.labels.region}}`, `{{cluster.kubernetesVersion}}`, `{{cluster.privateDomain}}`,
/// `{{cluster.id}}`). Leaves are rendered one by one after the document is parsed, as plain text
/// (no HTML escaping), so a cluster's label can never add YAML structure; a variable the cluster
/// lacks is an error, not an empty string.
struct ValuesTemplate: Sendable, Equatable {
    let values: JSONValue
    /// Each templated leaf parsed once, by path: a profile is rendered for every cluster it selects.
    private let templates: [String: MustacheTemplate]

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.values == rhs.values }

    /// Whether a leaf names `cluster.kubernetesVersion`, which must then be read first.
    let usesKubernetesVersion: Bool

    struct Failure: Error, Equatable, CustomStringConvertible {
        /// Where in the values, e.g. `logLevel` or `tolerations[0].value`.
        var path: String
        var reason: String
        var description: String { "values.\(path): \(reason)" }
    }

    /// What a template may name about a cluster.
    struct ClusterFacts: Sendable, Equatable {
        var id: String
        var name: String
        var labels: [String: String]
        var kubernetesVersion: String? = nil
        var privateDomain: String? = nil
    }

    /// Checks every template parses, so a syntax error is refused when the profile is applied.
    init(_ values: JSONValue) throws(Failure) {
        self.values = values
        var templates: [String: MustacheTemplate] = [:]
        var usesVersion = false
        try Self.visit(values, path: "") { text, path throws(Failure) in
            guard text.contains("{{") else { return }
            templates[path] = try Self.template(text, path: path)
            usesVersion = usesVersion || text.contains("kubernetesVersion")
        }
        self.templates = templates
        usesKubernetesVersion = usesVersion
    }

    func render(for cluster: ClusterFacts) throws(Failure) -> JSONValue {
        try Self.rewrite(values, path: "") { text, path throws(Failure) in
            guard let template = templates[path] else { return text }
            let misses = Misses()
            let rendered = template.render(Self.scope(cluster, misses: misses))
            if let missing = misses.names.first {
                throw Failure(path: path, reason: "\(missing) is not set for cluster \(cluster.name)")
            }
            return rendered
        }
    }

    private static func template(_ text: String, path: String) throws(Failure) -> MustacheTemplate {
        do {
            return try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            throw Failure(path: path, reason: "is not a valid template: \(error)")
        }
    }

    private static func scope(_ cluster: ClusterFacts, misses: Misses) -> Scope {
        var fields: [String: Any] = [
            "id": cluster.id, "name": cluster.name, "labels": Scope(path: "cluster.labels", fields: cluster.labels, misses: misses),
        ]
        if let version = cluster.kubernetesVersion { fields["kubernetesVersion"] = version }
        if let domain = cluster.privateDomain { fields["privateDomain"] = domain }
        return Scope(path: "", fields: ["cluster": Scope(path: "cluster", fields: fields, misses: misses)], misses: misses)
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

/// The names a render asked for and did not find, in the order asked.
private final class Misses {
    var names: [String] = []
}

/// One level of the template context; records what it was asked for and lacks.
private final class Scope: MustacheParent {
    let path: String
    let fields: [String: Any]
    let misses: Misses

    init(path: String, fields: [String: Any], misses: Misses) {
        (self.path, self.fields, self.misses) = (path, fields, misses)
    }

    func child(named name: String) -> Any? {
        if let value = fields[name] { return value }
        misses.names.append(path.isEmpty ? name : "\(path).\(name)")
        return nil
    }
}
