import Foundation
import Yams

/// One mapping of a kubeconfig as written, read against the rules in `KubeconfigFields`. Works
/// on the raw YAML rather than a Decodable model, which would skip keys it does not know.
struct KubeconfigFieldReader {
    typealias Invalid = Kubeconfig.Invalid

    let mapping: Node.Mapping
    /// Where this mapping is, e.g. `users[admin].user` (empty for the top level), for errors
    /// that name the key.
    let path: String

    /// The full name of `key` here, e.g. `users[admin].user.exec`.
    func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// - Parameter node: a mapping, or nothing / null for an empty one.
    init(_ node: Node?, path: String) throws(Invalid) {
        self.path = path
        switch node {
        case .mapping(let mapping)?: self.mapping = mapping
        case let node? where node.null != nil: mapping = Node.Mapping([])
        case nil: mapping = Node.Mapping([])
        default: throw Invalid(reason: "kubeconfig: \(path) must be a mapping", key: path)
        }
    }

    /// Refuses keys the rules refuse or do not know, and keys given twice.
    func check(_ rules: [String: KubeconfigFields.Rule]) throws(Invalid) {
        var seen: Set<String> = []
        for key in mapping.keys {
            guard let name = key.scalar?.string else {
                throw Invalid(reason: "kubeconfig: \(path) has a key that is not a string", key: path)
            }
            let keyPath = at(name)
            guard seen.insert(name).inserted else {
                throw Invalid(reason: "kubeconfig: \(keyPath) is given twice", key: keyPath)
            }
            switch rules[name] {
            case .carried?, .dropped?:
                continue
            case .refused(let why)?:
                throw Invalid(reason: "kubeconfig: \(keyPath) is refused: \(why)", key: keyPath)
            case nil:
                throw Invalid(reason: "kubeconfig: \(keyPath) is refused: it is not a kubeconfig field this server knows", key: keyPath)
            }
        }
    }

    func has(_ key: String) -> Bool { value(key) != nil }

    /// The value under `key`; nil when absent or null.
    func value(_ key: String) -> Node? {
        guard let node = mapping[key], node.null == nil else { return nil }
        return node
    }

    func string(_ key: String) throws(Invalid) -> String? {
        guard let node = value(key) else { return nil }
        guard let text = node.scalar?.string else { throw Invalid(reason: "kubeconfig: \(at(key)) must be a string", key: at(key)) }
        return text
    }

    func bool(_ key: String) throws(Invalid) -> Bool {
        guard let node = value(key) else { return false }
        guard let flag = node.bool else { throw Invalid(reason: "kubeconfig: \(at(key)) must be true or false", key: at(key)) }
        return flag
    }

    func base64(_ key: String) throws(Invalid) -> Data? {
        guard let text = try string(key) else { return nil }
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
            throw Invalid(reason: "kubeconfig: \(at(key)) is not base64", key: at(key))
        }
        return data
    }

    func strings(_ key: String) throws(Invalid) -> [String] {
        guard let node = value(key) else { return [] }
        guard case .sequence(let items) = node else {
            throw Invalid(reason: "kubeconfig: \(at(key)) must be a list of strings", key: at(key))
        }
        var result: [String] = []
        for item in items {
            guard let text = item.scalar?.string else {
                throw Invalid(reason: "kubeconfig: \(at(key)) must be a list of strings", key: at(key))
            }
            result.append(text)
        }
        return result
    }
}
