import Mustache

/// One text, a Mustache template over one cluster (`{{cluster.name}}`, `{{cluster.labels.region}}`,
/// `{{cluster.kubernetesVersion}}`, `{{cluster.privateDomain}}`, `{{cluster.id}}`): a profile's
/// values leaf, an analysis's Prometheus URL or query. Rendered as plain text (no HTML escaping);
/// a variable the cluster lacks is an error, not an empty string.
struct ClusterTemplate: Sendable {
    let text: String
    private let template: MustacheTemplate?

    /// What a template may name about a cluster.
    struct Facts: Sendable, Equatable {
        var id: String
        var name: String
        var labels: [String: String]
        var kubernetesVersion: String? = nil
        var privateDomain: String? = nil
    }

    struct Failure: Error, Equatable, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }

    /// Parses `text` once, so a syntax error is refused where the template is given.
    init(_ text: String) throws(Failure) {
        self.text = text
        guard text.contains("{{") else {
            template = nil
            return
        }
        do {
            template = try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + text)
        } catch {
            throw Failure(reason: "is not a valid template: \(error)")
        }
    }

    /// Whether it names `cluster.kubernetesVersion`, which must then be read first.
    var usesKubernetesVersion: Bool { template != nil && text.contains("kubernetesVersion") }

    func render(for cluster: Facts) throws(Failure) -> String {
        guard let template else { return text }
        let misses = Misses()
        let rendered = template.render(Self.scope(cluster, misses: misses))
        if let missing = misses.names.first {
            throw Failure(reason: "\(missing) is not set for cluster \(cluster.name)")
        }
        return rendered
    }

    private static func scope(_ cluster: Facts, misses: Misses) -> Scope {
        var fields: [String: Any] = [
            "id": cluster.id, "name": cluster.name, "labels": Scope(path: "cluster.labels", fields: cluster.labels, misses: misses),
        ]
        if let version = cluster.kubernetesVersion { fields["kubernetesVersion"] = version }
        if let domain = cluster.privateDomain { fields["privateDomain"] = domain }
        return Scope(path: "", fields: ["cluster": Scope(path: "cluster", fields: fields, misses: misses)], misses: misses)
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

extension ClusterTemplate.Facts {
    init(_ summary: ClusterSummary) {
        self.init(
            id: summary.id,
            name: summary.name,
            labels: ClusterLabels.map(summary.labels),
            kubernetesVersion: summary.kubernetesVersion,
            privateDomain: summary.privateDomain
        )
    }
}
