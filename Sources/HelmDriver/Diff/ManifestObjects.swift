import Crypto
import FleetAPI
import Foundation

/// The Kubernetes objects of a Helm manifest (what `helm get manifest` prints, or a dry run's
/// manifest), each keyed by kind, namespace and name, as one canonical text: keys sorted, one
/// scalar per line, so two renderings of the same object read alike and a diff shows only what
/// changed. Secret values are replaced by a digest: a diff says that a value changed, never what
/// it is.
public struct ManifestObjects: Sendable, Equatable {
    public struct Key: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var kind: String
        public var namespace: String
        public var name: String

        public var description: String { namespace.isEmpty ? "\(kind)/\(name)" : "\(kind)/\(namespace)/\(name)" }

        public static func < (a: Key, b: Key) -> Bool { (a.kind, a.namespace, a.name) < (b.kind, b.namespace, b.name) }
    }

    public private(set) var objects: [Key: String] = [:]

    /// - Parameter namespace: where objects that name none go (the release's namespace).
    public init(manifest: String, namespace: String) throws {
        for document in Self.documents(manifest) {
            guard case .object(let object) = try JSONValue(yaml: document) else { continue }
            let metadata = object["metadata"]?.objectValue ?? [:]
            guard case .string(let kind)? = object["kind"], case .string(let name)? = metadata["name"] else { continue }
            let objectNamespace: String
            if case .string(let given)? = metadata["namespace"] { objectNamespace = given } else { objectNamespace = namespace }
            let key = Key(kind: kind, namespace: Self.clusterScoped.contains(kind) ? "" : objectNamespace, name: name)
            objects[key] = Self.canonical(kind == "Secret" ? Self.redacted(object) : .object(object))
        }
    }

    /// Kinds that live outside namespaces, so a key does not depend on the release's namespace.
    static let clusterScoped: Set<String> = [
        "Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "PersistentVolume", "StorageClass",
        "PriorityClass", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService", "IngressClass",
    ]

    /// The YAML documents of a multi-document stream, empty ones and comments aside. Each keeps
    /// the line break that ended its last line: a `|` block scalar ending a document keeps its
    /// final newline only if the text still has it (YAML 1.2, 8.1.1.2 "clip" chomping), and the
    /// cluster has it, as Helm split the manifest.
    public static func documents(_ manifest: String) -> [String] {
        var documents: [String] = []
        var current: [Substring] = []
        for line in manifest.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("---") {
                documents.append(current.map { "\($0)\n" }.joined())
                current = []
            } else {
                current.append(line)
            }
        }
        documents.append(current.map { "\($0)\n" }.joined())
        return documents.filter { document in
            document.split(separator: "\n").contains { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("#") && !$0.allSatisfy(\.isWhitespace) }
        }
    }

    /// A Secret with each `data` and `stringData` value replaced by the first 12 hex digits of its SHA-256.
    static func redacted(_ secret: [String: JSONValue]) -> JSONValue {
        var secret = secret
        for field in ["data", "stringData"] {
            guard case .object(let values)? = secret[field] else { continue }
            secret[field] = .object(
                values.mapValues { value in
                    let text: String
                    if case .string(let string) = value { text = string } else { text = String(decoding: value.encoded(), as: UTF8.self) }
                    let digest = SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
                    return .string("(redacted, sha256 \(digest.prefix(12)))")
                }
            )
        }
        return .object(secret)
    }

    /// One line per scalar, as `path: value`, in key order.
    static func canonical(_ value: JSONValue) -> String {
        var lines: [String] = []
        walk(value) { path, scalar in lines.append("\(path): \(scalar)") }
        return lines.joined(separator: "\n")
    }

    /// `path: value` of every scalar (and empty map or list), keyed by path, as drift compares
    /// them: the lines of `canonical`, except that a list of scalars (`verbs`, `args`) is one
    /// field, its JSON. The API server keeps such a list whole (it is atomic), so an element added
    /// by hand is a changed field, not one the chart does not set.
    static func fields(_ value: JSONValue) -> [String: String] {
        var fields: [String: String] = [:]
        walk(value, scalarListsWhole: true) { path, scalar in fields[path] = scalar }
        return fields
    }

    /// Each leaf's path and JSON text, maps in key order; with `scalarListsWhole`, a list of
    /// scalars is one leaf.
    private static func walk(_ value: JSONValue, scalarListsWhole: Bool = false, _ visit: (String, String) -> Void) {
        func walk(_ value: JSONValue, _ path: String) {
            switch value {
            case .object(let object) where !object.isEmpty:
                for key in object.keys.sorted() { walk(object[key]!, path.isEmpty ? key : "\(path).\(key)") }
            case .array(let array) where !array.isEmpty && !(scalarListsWhole && array.allSatisfy(\.isScalar)):
                for (index, element) in array.enumerated() { walk(element, "\(path)[\(index)]") }
            case .string(let text) where !text.contains(where: { $0 == "\"" || $0 == "\\" || $0.asciiValue.map { $0 < 0x20 } ?? true }):
                visit(path, "\"\(text)\"")  // plain ASCII needs no escaping: no encoder round trip
            case .number(let number) where number.rounded() == number && abs(number) < 1e15:
                visit(path, String(Int64(number)))  // as JSONValue encodes integers
            case .bool(let flag):
                visit(path, flag ? "true" : "false")
            case .null:
                visit(path, "null")
            default:
                visit(path, String(decoding: value.encoded(), as: UTF8.self))
            }
        }
        walk(value, "")
    }
}
