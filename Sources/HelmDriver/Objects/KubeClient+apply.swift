public import Foundation

/// Objects by their kind: discovery, server-side apply, delete. What the objects strategy (a service
/// deployed as Kubernetes objects an operator reconciles) does to a cluster.
extension KubeClient {
    /// Where a kind's objects live: its resource (plural) and whether it is namespaced, as the
    /// API server's discovery document of its group and version says (`GET /apis/GROUP/VERSION`,
    /// an `APIResourceList`).
    public struct Resource: Sendable, Equatable {
        public var plural: String
        public var namespaced: Bool

        public init(plural: String, namespaced: Bool) {
            self.plural = plural
            self.namespaced = namespaced
        }

        public func path(of object: ObjectRef) -> String {
            let scope = namespaced ? "/namespaces/\(object.namespace ?? "default")" : ""
            return "\(object.groupVersionPath)\(scope)/\(plural)/\(object.name)"
        }
    }

    /// The resource of each distinct kind among `objects`, keyed by `key(_:)`, each group and
    /// version asked once; an error names a kind the cluster does not serve (e.g. a CRD not
    /// installed yet), unless `servedOnly`, which leaves such kinds out.
    public func resources(of objects: [ObjectRef], servedOnly: Bool = false) async throws(Failure) -> [String: Resource] {
        if !servedOnly, let unsafe = objects.first(where: { !$0.isPathSafe }) {
            throw Failure(message: "\(unsafe) is not a valid object name, namespace or apiVersion")
        }
        // A kind with no resource found is left out; so is one whose names could not be requested.
        let objects = objects.filter(\.isPathSafe)
        let groupVersions = Array(Set(objects.map(\.groupVersionPath))).sorted()
        let documents = try await get(groupVersions)
        var resources: [String: Resource] = [:]
        for (path, body) in zip(groupVersions, documents) {
            guard let body, let list = try? JSONDecoder().decode(ResourceList.self, from: body) else { continue }
            // Subresources (`prometheuses/status`) share the kind; only the resource itself names objects.
            for resource in list.resources where !resource.name.contains("/") {
                resources["\(path) \(resource.kind)"] = Resource(plural: resource.name, namespaced: resource.namespaced)
            }
        }
        var found: [String: Resource] = [:]
        for object in objects {
            guard let resource = resources["\(object.groupVersionPath) \(object.kind)"] else {
                if servedOnly { continue }
                throw Failure(message: "the cluster serves no \(object.kind) in \(object.apiVersion) (is its CustomResourceDefinition installed?)")
            }
            found[Self.key(object)] = resource
        }
        return found
    }

    /// How `resources(of:)` keys a kind.
    public static func key(_ object: ObjectRef) -> String { "\(object.apiVersion) \(object.kind)" }

    /// Applies `object` (its JSON configuration) server-side as `fieldManager` and answers the
    /// object as stored: `PATCH` with `application/apply-patch+yaml` (JSON is YAML). A field another
    /// manager owns is a conflict unless `force`; `dryRun` stores nothing and answers what would be.
    public func apply(
        _ object: Data,
        as ref: ObjectRef,
        resource: Resource,
        fieldManager: String,
        force: Bool = false,
        dryRun: Bool = false
    ) async throws(Failure) -> Data {
        var query = "fieldManager=\(fieldManager)"
        if force { query += "&force=true" }
        if dryRun { query += "&dryRun=All" }
        let call = Call(
            method: "PATCH",
            path: "\(resource.path(of: ref))?\(query)",
            headers: [("Accept", "application/json"), ("Content-Type", "application/apply-patch+yaml")],
            body: object
        )
        let reply = try await send([call])[0]
        guard reply.status == 200 || reply.status == 201 else { throw Self.refusal(reply, doing: "apply \(ref)") }
        return reply.body
    }

    /// Deletes the object; false when it was not there.
    @discardableResult
    public func delete(_ ref: ObjectRef, resource: Resource) async throws(Failure) -> Bool {
        let reply = try await send([Call(method: "DELETE", path: resource.path(of: ref))])[0]
        if reply.status == 404 { return false }
        guard (200..<300).contains(reply.status) else { throw Self.refusal(reply, doing: "delete \(ref)") }
        return true
    }

    /// The API server's own words (a `Status`'s message) when it has them.
    static func refusal(_ reply: Reply, doing what: String) -> Failure {
        let message = (try? JSONDecoder().decode(StatusMessage.self, from: reply.body))?.message
        return Failure(message: "\(what): HTTP \(reply.status)\(message.map { ": \($0)" } ?? "")", status: reply.status)
    }

    private struct ResourceList: Decodable {
        var resources: [Entry]

        struct Entry: Decodable {
            var name: String
            var kind: String
            var namespaced: Bool
        }
    }

    private struct StatusMessage: Decodable {
        var message: String
    }
}
