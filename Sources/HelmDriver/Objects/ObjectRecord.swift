public import FleetAPI
public import Foundation

/// What the objects strategy applied for one service in one cluster, kept in the cluster (a Secret
/// beside the objects, as Helm keeps its releases), so any provisioner finds it: a delete removes
/// exactly these objects, a drift check compares exactly these fields, and the next apply prunes
/// what it no longer declares.
public struct ObjectRecord: Codable, Sendable, Equatable {
    public var name: String
    public var namespace: String
    /// The declared set's version (what `Chart.Version` names for such a service).
    public var version: String
    /// 1 for the first apply, one more for each later one.
    public var revision: Int
    public var status: Status
    /// While `applying`, every object the apply may have touched (the earlier set and the new one),
    /// so a provisioner killed mid-way leaves nothing unrecorded.
    public var objects: [AppliedObject]
    /// When the set was first applied (RFC 3339): which installation a revision belongs to.
    public var firstApplied: String
    /// When `status` was written (RFC 3339): for `applying` and `deleting`, when the operation that
    /// holds the set began, so another instance can tell a live holder from an abandoned one.
    public var updated: String?

    public enum Status: String, Codable, Sendable {
        case applying, deleting, deployed, failed

        /// An operation holds the set (or held it and was killed): the lock the record is.
        public var isInProgress: Bool { self == .applying || self == .deleting }
    }

    public init(
        name: String,
        namespace: String,
        version: String,
        revision: Int,
        status: Status,
        objects: [AppliedObject],
        firstApplied: String,
        updated: String? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.version = version
        self.revision = revision
        self.status = status
        self.objects = objects
        self.firstApplied = firstApplied
        self.updated = updated
    }

    /// When `updated` says, if it says it readably.
    public var updatedAt: Date? { updated.flatMap(RFC3339.date) }

    /// Sets `status`, written at `date`.
    public mutating func mark(_ status: Status, at date: Date) {
        self.status = status
        updated = RFC3339.string(date)
    }

    /// The Secret's name: `cloud-provisioner.objects.NAME`.
    public static func secretName(_ name: String) -> String { "cloud-provisioner.objects.\(name)" }
}

/// One object as applied: what names it, and the configuration sent (the fields we own).
public struct AppliedObject: Codable, Sendable, Equatable {
    public var ref: ObjectRef
    public var configuration: JSONValue

    public init(ref: ObjectRef, configuration: JSONValue) {
        self.ref = ref
        self.configuration = configuration
    }
}

/// A record as read from the cluster, with the version of its Secret: a write must replace exactly
/// that version, so two operations never both take the set.
public struct StoredRecord: Sendable, Equatable {
    public var record: ObjectRecord
    public var resourceVersion: String

    public init(record: ObjectRecord, resourceVersion: String) {
        self.record = record
        self.resourceVersion = resourceVersion
    }
}

extension KubeClient {
    static let recordManager = "cloud-provisioner"

    /// The record of the set `name` in `namespace`; nil when there is none.
    public func objectRecord(name: String, namespace: String) async throws(Failure) -> StoredRecord? {
        guard let body = try await get(Self.recordPath(name, namespace)) else { return nil }
        guard let secret = try? JSONDecoder().decode(RecordSecret.self, from: body), let encoded = secret.data?["record"],
            let data = Data(base64Encoded: encoded), let record = try? JSONDecoder().decode(ObjectRecord.self, from: data)
        else { throw Failure(message: "the record Secret \(ObjectRecord.secretName(name)) in \(namespace) cannot be read") }
        return StoredRecord(record: record, resourceVersion: secret.metadata.resourceVersion)
    }

    /// Writes the record over exactly `replacing` (the resourceVersion read), or creates it when
    /// nil, and answers the new resourceVersion. The API server refuses with 409 (`Failure.status`)
    /// when the Secret changed since, or already exists: the optimistic concurrency every
    /// Kubernetes controller relies on (a `PUT` carrying `metadata.resourceVersion`, a `POST`).
    public func save(_ record: ObjectRecord, replacing: String?) async throws(Failure) -> String {
        let encoded = (try? JSONEncoder().encode(record)) ?? Data()
        var metadata: JSONValue = [
            "name": .string(ObjectRecord.secretName(record.name)), "namespace": .string(record.namespace),
            "labels": ["owner": "cloud-provisioner", "name": .string(record.name)],
        ]
        if let replacing { metadata = metadata.merging(["resourceVersion": .string(replacing)]) }
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "type": "cloud-provisioner.io/objects", "metadata": metadata,
            "data": ["record": .string(encoded.base64EncodedString())],
        ]
        let collection = "/api/v1/namespaces/\(record.namespace)/secrets"
        let call = Call(
            method: replacing == nil ? "POST" : "PUT",
            path: "\(replacing == nil ? collection : Self.recordPath(record.name, record.namespace))?fieldManager=\(Self.recordManager)",
            headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
            body: secret.encoded()
        )
        let reply = try await send([call])[0]
        guard reply.status == 200 || reply.status == 201 else { throw Self.refusal(reply, doing: "write the record of \(record.name)") }
        guard let written = try? JSONDecoder().decode(RecordSecret.self, from: reply.body) else {
            throw Failure(message: "the record Secret \(ObjectRecord.secretName(record.name)) was written but not answered")
        }
        return written.metadata.resourceVersion
    }

    /// Removes the record, only as it was at `resourceVersion` (a `DeleteOptions` precondition):
    /// the set is gone. A 409 says another operation wrote it since.
    public func deleteRecord(name: String, namespace: String, resourceVersion: String) async throws(Failure) {
        let options: JSONValue = ["kind": "DeleteOptions", "apiVersion": "v1", "preconditions": ["resourceVersion": .string(resourceVersion)]]
        let call = Call(
            method: "DELETE",
            path: Self.recordPath(name, namespace),
            headers: [("Accept", "application/json"), ("Content-Type", "application/json")],
            body: options.encoded()
        )
        let reply = try await send([call])[0]
        guard (200..<300).contains(reply.status) || reply.status == 404 else { throw Self.refusal(reply, doing: "delete the record of \(name)") }
    }

    private static func recordPath(_ name: String, _ namespace: String) -> String {
        "/api/v1/namespaces/\(namespace)/secrets/\(ObjectRecord.secretName(name))"
    }

    private struct RecordSecret: Decodable {
        var metadata: Metadata
        var data: [String: String]?

        struct Metadata: Decodable {
            var resourceVersion: String
        }
    }
}
