import FleetAPI
public import Foundation

/// A `coordination.k8s.io/v1` Lease, as a helm run's supervisor holds one on its release.
public struct ReleaseLease: Sendable, Equatable {
    public var holder: String
    public var durationSeconds: Int
    /// When the holder last renewed it, by the holder's clock.
    public var renewed: Date?
    /// Changes with every write: a reader that sees it unchanged for a whole duration knows the
    /// holder stopped renewing, whatever the two clocks say.
    public var resourceVersion: String

    public var duration: Duration { .seconds(durationSeconds) }
}

/// Leases by name in a namespace, with the API server's optimistic concurrency: an update or
/// delete names the version it read, and loses to any write in between (409).
extension KubeClient {
    public enum LeaseWrite: Sendable, Equatable {
        case written(ReleaseLease)
        /// Someone else wrote it since it was read (or created it first).
        case conflict
        /// The namespace does not exist yet.
        case noNamespace
    }

    static func leasePath(_ namespace: String, _ name: String? = nil) -> String {
        "/apis/coordination.k8s.io/v1/namespaces/\(namespace)/leases" + (name.map { "/\($0)" } ?? "")
    }

    /// nil when there is none.
    public func lease(namespace: String, name: String) async throws(Failure) -> ReleaseLease? {
        let reply = try await send([Call(method: "GET", path: Self.leasePath(namespace, name))])[0]
        switch reply.status {
        case 200: return try Self.decodeLease(reply.body)
        case 404: return nil
        default: throw Failure(message: "Kubernetes API lease \(namespace)/\(name): HTTP \(reply.status)", status: reply.status)
        }
    }

    /// Creates the Lease, or (given the version read) takes it over, held by `holder` from `now`.
    public func writeLease(
        namespace: String,
        name: String,
        holder: String,
        duration: Duration,
        now: Date,
        replacing resourceVersion: String? = nil
    ) async throws(Failure) -> LeaseWrite {
        var metadata: [String: Any] = ["name": name, "namespace": namespace, "labels": ["app.kubernetes.io/managed-by": "cloud-provisioner"]]
        if let resourceVersion { metadata["resourceVersion"] = resourceVersion }
        let time = RFC3339.microseconds(now)
        let body: [String: Any] = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": metadata,
            "spec": [
                "holderIdentity": holder, "leaseDurationSeconds": Int(duration.components.seconds), "acquireTime": time, "renewTime": time,
            ],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        let headers = [("Accept", "application/json"), ("Content-Type", "application/json")]
        let call =
            resourceVersion == nil
            ? Call(method: "POST", path: Self.leasePath(namespace), headers: headers, body: data)
            : Call(method: "PUT", path: Self.leasePath(namespace, name), headers: headers, body: data)
        let reply = try await send([call])[0]
        switch reply.status {
        case 200, 201: return .written(try Self.decodeLease(reply.body))
        case 409: return .conflict
        case 404 where resourceVersion == nil: return .noNamespace
        default: throw Failure(message: "Kubernetes API lease \(namespace)/\(name): HTTP \(reply.status)", status: reply.status)
        }
    }

    /// Deletes the Lease if it is still the version given; false when someone wrote it since.
    @discardableResult
    public func deleteLease(namespace: String, name: String, resourceVersion: String) async throws(Failure) -> Bool {
        let body = #"{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"resourceVersion":"\#(resourceVersion)"}}"#
        let reply = try await send([
            Call(
                method: "DELETE",
                path: Self.leasePath(namespace, name),
                headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
                body: Data(body.utf8)
            )
        ])[0]
        return (200..<300).contains(reply.status) || reply.status == 404
    }

    /// Creates the namespace a first install's Lease goes in (helm's --create-namespace would
    /// create it a moment later); one that exists already is fine.
    public func createNamespace(_ name: String) async throws(Failure) {
        let body = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"\#(name)"}}"#
        let reply = try await send([
            Call(
                method: "POST",
                path: "/api/v1/namespaces",
                headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
                body: Data(body.utf8)
            )
        ])[0]
        guard (200..<300).contains(reply.status) || reply.status == 409 else {
            throw Failure(message: "Kubernetes API namespace \(name): HTTP \(reply.status)", status: reply.status)
        }
    }

    static func decodeLease(_ data: Data) throws(Failure) -> ReleaseLease {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let metadata = object["metadata"] as? [String: Any], let version = metadata["resourceVersion"] as? String
        else { throw Failure(message: "Kubernetes API: a Lease that is not one") }
        let spec = object["spec"] as? [String: Any] ?? [:]
        return ReleaseLease(
            holder: spec["holderIdentity"] as? String ?? "",
            durationSeconds: spec["leaseDurationSeconds"] as? Int ?? 0,
            renewed: (spec["renewTime"] as? String).flatMap(RFC3339.date),
            resourceVersion: version
        )
    }
}
