public import FleetAPI
import Foundation

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

    public enum Status: String, Codable, Sendable {
        case applying, deployed, failed
    }

    public init(name: String, namespace: String, version: String, revision: Int, status: Status, objects: [AppliedObject], firstApplied: String) {
        self.name = name
        self.namespace = namespace
        self.version = version
        self.revision = revision
        self.status = status
        self.objects = objects
        self.firstApplied = firstApplied
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

extension KubeClient {
    static let recordManager = "cloud-provisioner"

    /// The record of the set `name` in `namespace`; nil when there is none.
    public func objectRecord(name: String, namespace: String) async throws(Failure) -> ObjectRecord? {
        guard let body = try await get("/api/v1/namespaces/\(namespace)/secrets/\(ObjectRecord.secretName(name))") else { return nil }
        guard let secret = try? JSONDecoder().decode(RecordSecret.self, from: body), let encoded = secret.data?["record"],
            let data = Data(base64Encoded: encoded), let record = try? JSONDecoder().decode(ObjectRecord.self, from: data)
        else { throw Failure(message: "the record Secret \(ObjectRecord.secretName(name)) in \(namespace) cannot be read") }
        return record
    }

    /// Writes the record (server-side apply of its Secret, labelled `owner=cloud-provisioner`).
    public func save(_ record: ObjectRecord) async throws(Failure) {
        let ref = ObjectRef(apiVersion: "v1", kind: "Secret", namespace: record.namespace, name: ObjectRecord.secretName(record.name))
        let encoded = (try? JSONEncoder().encode(record)) ?? Data()
        let secret: JSONValue = [
            "apiVersion": "v1", "kind": "Secret", "type": "cloud-provisioner.io/objects",
            "metadata": [
                "name": .string(ref.name), "namespace": .string(record.namespace),
                "labels": ["owner": "cloud-provisioner", "name": .string(record.name)],
            ],
            "data": ["record": .string(encoded.base64EncodedString())],
        ]
        _ = try await apply(
            secret.encoded(),
            as: ref,
            resource: Resource(plural: "secrets", namespaced: true),
            fieldManager: Self.recordManager,
            force: true
        )
    }

    /// Removes the record; the set is gone.
    public func deleteRecord(name: String, namespace: String) async throws(Failure) {
        let ref = ObjectRef(apiVersion: "v1", kind: "Secret", namespace: namespace, name: ObjectRecord.secretName(name))
        try await delete(ref, resource: Resource(plural: "secrets", namespaced: true))
    }

    private struct RecordSecret: Decodable {
        var data: [String: String]?
    }
}
