import FleetAPI

/// Who last wrote each field of a live object, from its `metadata.managedFields` (server-side
/// apply's field ownership): a drift reason can say that `kubectl` scaled a Deployment, not only
/// that its replicas changed. Paths are `ManifestObjects.canonical`'s form, so they match the drift
/// check's fields.
struct ManagedFields {
    /// Path → the managers owning it (a path owns everything below it, as an atomic list does).
    private var owners: [String: [String]] = [:]

    /// - Parameter ignoring: the release's own manager (Helm's), whose fields are the manifest's.
    init(_ object: JSONValue, ignoring: (String) -> Bool) {
        guard case .array(let entries)? = object.objectValue?["metadata"]?.objectValue?["managedFields"] else { return }
        for entry in entries {
            guard case .string(let manager)? = entry.objectValue?["manager"], !ignoring(manager),
                case .object(let fields)? = entry.objectValue?["fieldsV1"]
            else { continue }
            var name = manager
            if case .string(let subresource)? = entry.objectValue?["subresource"] { name += " (\(subresource))" }
            walk(fields, object, "", name)
        }
    }

    /// The managers owning `path` or a field that holds it.
    func owners(of path: String) -> [String] {
        var found: [String] = []
        var prefix = path
        while true {
            found += owners[prefix] ?? []
            guard let cut = prefix.lastIndex(where: { $0 == "." || $0 == "[" }) else { break }
            prefix = String(prefix[..<cut])
        }
        return Array(Set(found)).sorted()
    }

    /// FieldsV1 (sigs.k8s.io/structured-merge-diff fieldpath): `f:NAME` a map field, `k:{...}` a
    /// list item by its key fields, `v:VALUE` a set item, `{}` a leaf. `.` (a list item's own
    /// existence) is no field value, so it names no owner: owning an item is not owning its fields.
    private mutating func walk(_ fields: [String: JSONValue], _ live: JSONValue?, _ path: String, _ manager: String) {
        for (key, child) in fields where key != "." {
            let childPath: String
            let childLive: JSONValue?
            if key.hasPrefix("f:") {
                let name = String(key.dropFirst(2))
                childPath = path.isEmpty ? name : "\(path).\(name)"
                childLive = live?.objectValue?[name]
            } else if let index = Self.item(key, in: live) {
                childPath = "\(path)[\(index)]"
                if case .array(let items)? = live { childLive = items[index] } else { childLive = nil }
            } else {
                continue  // an item no longer there
            }
            if case .object(let grandchildren) = child, !grandchildren.isEmpty {
                walk(grandchildren, childLive, childPath, manager)
            } else {
                owners[childPath, default: []].append(manager)
            }
        }
    }

    /// The index of the live list item a `k:` or `v:` key names.
    private static func item(_ key: String, in live: JSONValue?) -> Int? {
        guard case .array(let items)? = live, key.hasPrefix("k:") || key.hasPrefix("v:"),
            let named = try? JSONValue(yaml: String(key.dropFirst(2)))
        else { return nil }
        if key.hasPrefix("v:") { return items.firstIndex(of: named) }
        guard case .object(let keyFields) = named else { return nil }
        return items.firstIndex { item in keyFields.allSatisfy { item.objectValue?[$0.key] == $0.value } }
    }
}
