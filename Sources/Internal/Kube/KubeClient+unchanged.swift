import Foundation

extension KubeClient {
    /// Whether every object is still the version compared before (an object without a version
    /// never is). Objects of one collection (one kind in one namespace) are read together, by a
    /// metadata-only list of those labelled as the release's (`app.kubernetes.io/instance`, which
    /// charts set by convention); one the list leaves out, and one alone in its collection, by a
    /// metadata-only GET. All go over one connection, in at most two rounds, and each version is
    /// found by a scan (`ObjectMetadata`).
    /// - Parameter instance: the release's name, as charts label their objects with it.
    public func unchanged(_ compared: [ComparedObject], instance: String? = nil) async throws -> Bool {
        guard compared.allSatisfy({ $0.version != nil }) else { return false }
        var collections: [String: [ComparedObject]] = [:]
        for object in compared {
            guard let slash = object.path.lastIndex(of: "/") else { return false }
            collections[String(object.path[..<slash]), default: []].append(object)
        }
        var listed: [(collection: String, objects: [ComparedObject])] = []
        var alone: [ComparedObject] = []
        for (collection, objects) in collections.sorted(by: { $0.key < $1.key }) {
            if objects.count > 1, let instance, Self.isPathSegment(instance) {
                listed.append((collection, objects))
            } else {
                alone += objects
            }
        }
        let selector = instance.map { "?labelSelector=app.kubernetes.io%2Finstance%3D\($0)" } ?? ""
        let reads = listed.map { (path: $0.collection + selector, view: View.metadataList) } + alone.map { (path: $0.path, view: View.metadata) }
        let bodies = try await get(reads)
        var unlisted: [ComparedObject] = []
        for (index, entry) in listed.enumerated() {
            guard let body = bodies[index], let items = ObjectMetadata.items(scanning: body) else { return false }
            let found = Dictionary(items.compactMap { item in item.name.map { ($0, item) } }) { first, _ in first }
            for object in entry.objects {
                let name = String(object.path[object.path.index(after: object.path.lastIndex(of: "/")!)...])
                guard let item = found[name] else {
                    unlisted.append(object)
                    continue
                }
                guard LiveVersion(uid: item.uid, resourceVersion: item.resourceVersion) == object.version else { return false }
            }
        }
        for (object, body) in zip(alone, bodies[listed.count...]) {
            guard body.flatMap({ LiveVersion(scanning: $0) }) == object.version else { return false }
        }
        let rest = try await get(unlisted.map(\.path), view: .metadata)
        return zip(unlisted, rest).allSatisfy { object, body in body.flatMap { LiveVersion(scanning: $0) } == object.version }
    }
}
