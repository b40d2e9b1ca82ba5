import Foundation

extension KubeClient {
    /// A release's objects as a check that found it in sync compared them, and the name charts
    /// label them with (`app.kubernetes.io/instance`, by convention: the release's name).
    public struct ComparedRelease: Sendable {
        public var objects: [ComparedObject]
        public var instance: String?

        public init(objects: [ComparedObject], instance: String?) {
            self.objects = objects
            self.instance = instance
        }
    }

    /// Which of `releases` still have every object at the version compared before (an object
    /// without a version never is). Objects of one collection (one kind in one namespace, or one
    /// cluster-wide kind), whichever release they are of, are read together by one metadata-only
    /// list of those labelled as one of those releases'; one the list leaves out, and one alone in
    /// its collection, by a metadata-only GET. All go over one connection in at most two rounds,
    /// and each version is found by a scan (`ObjectMetadata`).
    public func unchanged<Key: Hashable & Sendable>(_ releases: [Key: ComparedRelease]) async throws -> Set<Key> {
        typealias Entry = (key: Key, instance: String?, object: ComparedObject)
        var changed = Set<Key>()
        var collections: [String: [Entry]] = [:]
        for (key, release) in releases {
            for object in release.objects {
                guard object.version != nil, let slash = object.path.lastIndex(of: "/") else {
                    changed.insert(key)
                    continue
                }
                collections[String(object.path[..<slash]), default: []].append((key, release.instance, object))
            }
        }
        var listed: [(path: String, entries: [Entry])] = []
        var alone: [Entry] = []
        for (collection, entries) in collections.sorted(by: { $0.key < $1.key }) {
            let instances = Set(entries.compactMap(\.instance)).sorted()
            if entries.count > 1, !instances.isEmpty, instances.allSatisfy(Self.isPathSegment) {
                listed.append((collection + "?labelSelector=" + Self.instanceSelector(instances), entries))
                alone += entries.filter { $0.instance == nil }
            } else {
                alone += entries
            }
        }
        let bodies = try await get(
            listed.map { (path: $0.path, view: View.metadataList) } + alone.map { (path: $0.object.path, view: View.metadata) }
        )
        var unlisted: [Entry] = []
        for (index, collection) in listed.enumerated() {
            guard let body = bodies[index], let items = ObjectMetadata.items(scanning: body) else {
                unlisted += collection.entries.filter { $0.instance != nil }
                continue
            }
            let found = Dictionary(items.compactMap { item in item.name.map { ($0, item) } }) { first, _ in first }
            for entry in collection.entries where entry.instance != nil {
                guard let item = found[Self.name(in: entry.object.path)] else {
                    unlisted.append(entry)
                    continue
                }
                if LiveVersion(uid: item.uid, resourceVersion: item.resourceVersion) != entry.object.version { changed.insert(entry.key) }
            }
        }
        for (entry, body) in zip(alone, bodies[listed.count...]) where body.flatMap({ LiveVersion(scanning: $0) }) != entry.object.version {
            changed.insert(entry.key)
        }
        let rest = try await get(unlisted.map(\.object.path), view: .metadata)
        for (entry, body) in zip(unlisted, rest) where body.flatMap({ LiveVersion(scanning: $0) }) != entry.object.version {
            changed.insert(entry.key)
        }
        return Set(releases.keys).subtracting(changed)
    }

    /// `app.kubernetes.io/instance=a`, or `... in (a,b)`, escaped for a query.
    static func instanceSelector(_ instances: [String]) -> String {
        let key = "app.kubernetes.io%2Finstance"
        return instances.count == 1 ? "\(key)%3D\(instances[0])" : "\(key)%20in%20%28\(instances.joined(separator: "%2C"))%29"
    }

    /// The last segment of an object's path: its name.
    static func name(in path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }
}
