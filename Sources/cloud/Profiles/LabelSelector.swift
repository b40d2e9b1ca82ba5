/// A Kubernetes label selector: every `matchLabels` pair and every `matchExpressions` requirement
/// must hold (apimachinery's `metav1.LabelSelectorAsSelector`). As there, `NotIn` and
/// `DoesNotExist` hold for a cluster without the key, and an empty selector matches every cluster.
struct LabelSelector: Sendable, Equatable {
    var matchLabels: [String: String] = [:]
    var matchExpressions: [Requirement] = []

    struct Requirement: Sendable, Equatable {
        var key: String
        var `operator`: Operator
        var values: [String]
    }

    enum Operator: String, Sendable, Equatable, CaseIterable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    func matches(_ labels: [String: String]) -> Bool {
        matchLabels.allSatisfy { labels[$0.key] == $0.value } && matchExpressions.allSatisfy { $0.matches(labels) }
    }
}

extension LabelSelector.Requirement {
    func matches(_ labels: [String: String]) -> Bool {
        switch `operator` {
        case .in: labels[key].map(values.contains) ?? false
        case .notIn: labels[key].map { !values.contains($0) } ?? true
        case .exists: labels[key] != nil
        case .doesNotExist: labels[key] == nil
        }
    }
}

extension LabelSelector: CustomStringConvertible {
    /// As `kubectl get -l` takes a selector: `env=prod,region in (eu,us),!canary`.
    var description: String {
        let pairs = matchLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let expressions = matchExpressions.map { requirement in
            switch requirement.operator {
            case .in: "\(requirement.key) in (\(requirement.values.joined(separator: ",")))"
            case .notIn: "\(requirement.key) notin (\(requirement.values.joined(separator: ",")))"
            case .exists: requirement.key
            case .doesNotExist: "!\(requirement.key)"
            }
        }
        let all = pairs + expressions
        return all.isEmpty ? "every cluster" : all.joined(separator: ",")
    }
}
