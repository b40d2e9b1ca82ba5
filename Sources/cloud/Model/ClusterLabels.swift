import ServerSupport

/// A cluster's labels as set through the API: `KEY=VALUE` pairs, the key as Kubernetes writes label
/// keys (an optional DNS prefix and `/`, then up to 63 letters, digits, `-`, `_`, `.`), the value
/// any text without control characters. Profiles' selectors and templates read them as pairs;
/// labels stored before this rule (a bare `prod`) read as that key with an empty value.
enum ClusterLabels {
    static let maxCount = 64
    static let maxValueLength = 256

    /// `labels` checked, in the order given; `field` names them in a refusal.
    static func validated(_ labels: [String], field: String) throws(APIError) -> [String] {
        guard labels.count <= maxCount else { throw .badRequest("\(field) may hold at most \(maxCount) labels", field: field) }
        var keys: Set<Substring> = []
        for label in labels {
            guard let equals = label.firstIndex(of: "=") else {
                throw .badRequest("\(field): \"\(label)\" is not KEY=VALUE", field: field)
            }
            let key = label[..<equals]
            let value = label[label.index(after: equals)...]
            guard key.wholeMatch(of: /([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?/) != nil else {
                throw .badRequest(
                    "\(field): \"\(key)\" is not a label key (up to 63 letters, digits, '-', '_' or '.', after an optional DNS prefix and '/')",
                    field: field
                )
            }
            guard value.unicodeScalars.count <= maxValueLength, !value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f })
            else {
                throw .badRequest(
                    "\(field): the value of \(key) must be at most \(maxValueLength) characters, without control characters",
                    field: field
                )
            }
            guard keys.insert(key).inserted else { throw .badRequest("\(field): \(key) is given twice", field: field) }
        }
        return labels
    }

    /// The labels as keys and values: `env=prod` is `env: prod`; a label written without `=`
    /// (allowed before labels were pairs) is its key with an empty value.
    static func map(_ labels: [String]) -> [String: String] {
        var map: [String: String] = [:]
        for label in labels {
            let key = label.prefix { $0 != "=" }
            map[String(key)] = String(label.dropFirst(key.count + 1))
        }
        return map
    }

    /// `labels` with `set` put in (replacing a label of the same key) and the `remove` keys taken
    /// out, in the order they were, new keys last (sorted).
    static func changed(_ labels: [String], set: [String: String], remove: [String]) -> [String] {
        let gone = Set(remove).union(set.keys)
        let kept = labels.filter { label in !gone.contains(String(label.prefix { $0 != "=" })) }
        return kept + set.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}

extension Cluster {
    var labelMap: [String: String] { ClusterLabels.map(labels) }
}
