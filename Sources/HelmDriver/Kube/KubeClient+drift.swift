import FleetAPI
import Foundation

extension KubeClient {
    /// Each object of `manifest` compared with the live one: deleted, or a field the manifest sets
    /// with another value live. Fields the manifest does not set (status, managed fields, what
    /// the API server defaults) are not compared, so only changes to what the chart asks for count;
    /// those it sets are compared as the API server stores them (`LiveField`).
    ///
    /// A field changed by anyone but `ownManager` (the field manager the objects were applied as:
    /// Helm's, or the objects strategy's) names who changed it.
    public func drift(ofManifest manifest: String, namespace: String, ownManager: String = "helm") async throws -> [String] {
        try await driftFindings(ofManifest: manifest, namespace: namespace, ownManager: ownManager).reasons
    }

    /// `drift(ofManifest:)`'s reasons, and where each live object was and which version of it was
    /// compared: if every one of them is unchanged at the next check, so is the finding.
    public func driftFindings(ofManifest manifest: String, namespace: String, ownManager: String = "helm") async throws -> DriftFindings {
        var reasons: [String] = []
        var compared: [ComparedObject] = []
        var objects: [(ref: ObjectRef, object: [String: JSONValue])] = []
        for document in ManifestObjects.documents(manifest) {
            guard case .object(let object) = try JSONValue(yaml: document),
                case .string(let apiVersion)? = object["apiVersion"], case .string(let kind)? = object["kind"],
                case .string(let name)? = object["metadata"]?.objectValue?["name"]
            else { continue }
            var objectNamespace = namespace
            if case .string(let given)? = object["metadata"]?.objectValue?["namespace"] { objectNamespace = given }
            objects.append((ObjectRef(apiVersion: apiVersion, kind: kind, namespace: objectNamespace, name: name), object))
        }
        // Each group and version's discovery read once for the whole manifest.
        let resources = try await self.resources(of: objects.map(\.ref), servedOnly: true)
        for (ref, object) in objects {
            let (kind, name) = (ref.kind, ref.name)
            // Names go into the request path: a chart must not point the check anywhere else.
            guard ref.isPathSafe else {
                reasons.append("\(kind)/\(name): not a valid object name or namespace")
                continue
            }
            guard let resource = resources[Self.key(ref)] else {
                reasons.append("\(kind)/\(name): the cluster serves no \(ref.apiVersion) \(kind)")
                continue
            }
            let label = resource.namespaced ? "\(kind)/\(ref.namespace ?? "")/\(name)" : "\(kind)/\(name)"
            let path = resource.path(of: ref)
            guard let body = try await get(path) else {
                reasons.append("\(label) was deleted")
                continue
            }
            let liveObject = try JSONDecoder().decode(JSONValue.self, from: body)
            let metadata = liveObject.objectValue?["metadata"]?.objectValue
            var uid: String?
            var resourceVersion: String?
            if case .string(let text)? = metadata?["uid"] { uid = text }
            if case .string(let text)? = metadata?["resourceVersion"] { resourceVersion = text }
            compared.append(ComparedObject(path: path, version: LiveVersion(uid: uid, resourceVersion: resourceVersion)))
            let live = ManifestObjects.fields(liveObject)
            // A Secret's stringData is stored as data: compare what the API keeps.
            let wanted = ManifestObjects.fields(.object(object)).filter { !(kind == "Secret" && $0.key.hasPrefix("stringData")) }
            let changed = wanted.keys.sorted().filter { !LiveField.matches(path: Substring($0), wanted: wanted[$0]!, live: live[$0]) }
            if !changed.isEmpty {
                // A Secret's values are never shown, only which field differs; others are cut short.
                // Our own writes are the manifest's; any other manager changed the field.
                let managers = ManagedFields(liveObject) { $0.lowercased() == ownManager.lowercased() }
                let shown = changed.prefix(3).map { field in
                    let by = managers.owners(of: field)
                    let change =
                        kind == "Secret"
                        ? "\(field) differs"
                        : "\(field) is \(Self.short(live[field] ?? "unset")), not \(Self.short(wanted[field]!))"
                    return by.isEmpty ? change : "\(change) (by \(by.joined(separator: ", ")))"
                }
                reasons.append("\(label) changed: " + shown.joined(separator: "; ") + (changed.count > 3 ? "; and \(changed.count - 3) more" : ""))
            }
        }
        return DriftFindings(reasons: reasons, compared: compared)
    }

    /// A name that may stand as one segment of a request path: a DNS-1123-like name (letters,
    /// digits, '.', '_', ':', '-'; starting with a letter or digit; at most 253).
    static func isPathSegment(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let first = bytes.first, bytes.count <= 253, first.isASCIIAlphanumeric else { return false }
        return bytes.allSatisfy { $0.isASCIIAlphanumeric || Self.nameMarks.contains($0) }
    }

    private static let nameMarks: Set<UInt8> = [UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-")]

    static func short(_ value: String) -> String {
        value.count <= 80 ? value : String(value.prefix(77)) + "..."
    }
}

/// What a drift check of a manifest found, and what it compared.
public struct DriftFindings: Sendable {
    public var reasons: [String]
    public var compared: [ComparedObject]
}

/// A live object a drift check read: its API path and the version it had.
public struct ComparedObject: Sendable, Hashable {
    public var path: String
    public var version: LiveVersion?
}
