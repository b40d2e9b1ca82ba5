import FleetAPI
import Yams

/// One mapping of a profile document as written, read strictly: a key it does not know, a value of
/// the wrong kind, or a key given twice is refused naming the field and, for YAML, its line, since
/// a profile is a file people edit by hand.
struct ProfileReader {
    let mapping: Node.Mapping
    /// e.g. `services.fluentbit` (empty at the top).
    let path: String
    let line: Int?

    struct Invalid: Error, Equatable, CustomStringConvertible {
        var field: String
        var line: Int?
        var reason: String
        var description: String { "\(field)\(line.map { " (line \($0))" } ?? ""): \(reason)" }
    }

    init(_ node: Node?, path: String, allowed: Set<String>) throws(Invalid) {
        self.path = path
        line = node?.mark.map(\.line)
        switch node {
        case .mapping(let mapping)?: self.mapping = mapping
        case nil: mapping = Node.Mapping([])
        case let node? where node.null != nil: mapping = Node.Mapping([])
        default: throw Invalid(field: path.isEmpty ? "profile" : path, line: line, reason: "must be a mapping")
        }
        var seen: Set<String> = []
        for key in mapping.keys {
            guard let name = key.scalar?.string else {
                throw Invalid(field: field(""), line: key.mark?.line, reason: "has a key that is not a string")
            }
            guard seen.insert(name).inserted else { throw Invalid(field: field(name), line: key.mark?.line, reason: "is given twice") }
            guard allowed.contains(name) else {
                throw Invalid(field: field(name), line: key.mark?.line, reason: "is not a field (known: \(allowed.sorted().joined(separator: ", ")))")
            }
        }
    }

    func field(_ key: String) -> String { path.isEmpty ? key : key.isEmpty ? path : "\(path).\(key)" }

    /// The value under `key`; nil when absent or null.
    func value(_ key: String) -> Node? {
        guard let node = mapping[key], node.null == nil else { return nil }
        return node
    }

    func invalid(_ key: String, _ reason: String) -> Invalid {
        Invalid(field: field(key), line: value(key)?.mark?.line ?? line, reason: reason)
    }

    func string(_ key: String) throws(Invalid) -> String? {
        guard let node = value(key) else { return nil }
        guard let text = node.scalar?.string else { throw invalid(key, "must be a string") }
        return text
    }

    func int(_ key: String) throws(Invalid) -> Int? {
        guard let text = try string(key) else { return nil }
        guard let number = Int(text) else { throw invalid(key, "must be a whole number") }
        return number
    }

    func bool(_ key: String) throws(Invalid) -> Bool? {
        guard let node = value(key) else { return nil }
        guard let flag = node.bool else { throw invalid(key, "must be true or false") }
        return flag
    }

    func strings(_ key: String) throws(Invalid) -> [String] {
        guard let node = value(key) else { return [] }
        guard case .sequence(let items) = node else { throw invalid(key, "must be a list of strings") }
        var result: [String] = []
        for item in items {
            guard let text = item.scalar?.string else { throw invalid(key, "must be a list of strings") }
            result.append(text)
        }
        return result
    }

    /// A mapping of strings to strings (`matchLabels`).
    func stringMap(_ key: String) throws(Invalid) -> [String: String] {
        guard let node = value(key) else { return [:] }
        guard case .mapping(let pairs) = node else { throw invalid(key, "must be a mapping of strings") }
        var result: [String: String] = [:]
        for (name, item) in pairs {
            guard let name = name.scalar?.string, let text = item.scalar?.string else { throw invalid(key, "must be a mapping of strings") }
            result[name] = text
        }
        return result
    }

    /// The entries of the mapping under `key`, each with the line of its key.
    func entries(_ key: String) throws(Invalid) -> [(name: String, node: Node, line: Int?)] {
        guard let node = value(key) else { return [] }
        guard case .mapping(let pairs) = node else { throw invalid(key, "must be a mapping") }
        var result: [(name: String, node: Node, line: Int?)] = []
        for (name, item) in pairs {
            guard let text = name.scalar?.string else { throw invalid(key, "has a key that is not a string") }
            result.append((text, item, name.mark?.line))
        }
        return result
    }

    /// The items of a list under `key`.
    func items(_ key: String) throws(Invalid) -> [Node] {
        guard let node = value(key) else { return [] }
        guard case .sequence(let items) = node else { throw invalid(key, "must be a list") }
        return Array(items)
    }
}
