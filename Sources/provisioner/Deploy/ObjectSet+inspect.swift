import FleetAPI
import Foundation
import HelmDriver

extension ObjectSet {
    /// The set is applied at the version asked and every object is done, waiting for that until
    /// the deadline.
    func verify() async -> DeploymentResult {
        let record: ObjectRecord?
        do {
            record = try await self.record()?.record
        } catch {
            return DeploymentResult(failure: error)
        }
        let wanted = context.request.chart?.version ?? declared.version
        guard let record, record.status == .deployed, record.version == wanted else {
            let found = record.map { "version \($0.version), \($0.status.rawValue)" } ?? "not applied"
            return DeploymentResult(
                failure: DeploymentFailure(.failed, step: "verify", message: "\(declared.name) is \(found), not version \(wanted) deployed")
            )
        }
        let refs = record.objects.map(\.ref)
        let resources: [String: KubeClient.Resource]
        do {
            resources = try await reach { try await kube.resources(of: refs) }
        } catch {
            return DeploymentResult(failure: error)
        }
        return await waitUntilReady(refs, resources: resources).result(details: DeploymentDetails(report: .objects(record)))
    }

    /// Drift: each recorded object still there with every field as applied (fields others set
    /// beside ours are theirs), and the set at the version asked.
    func check() async -> DeploymentResult {
        let record: ObjectRecord?
        do {
            record = try await self.record()?.record
        } catch {
            return DeploymentResult(failure: error)
        }
        guard let record else {
            var details = DeploymentDetails(report: .objects(nil))
            details.drift = DriftReport(reasons: ["\(declared.name) is not applied"])
            return DeploymentResult(outcome: .succeeded, details: details)
        }
        var reasons: [String] = []
        if let wanted = context.request.chart?.version, wanted != record.version {
            reasons.append("\(declared.name) is at version \(record.version), not \(wanted)")
        }
        do {
            let resources = try await reach { try await kube.resources(of: record.objects.map(\.ref), servedOnly: true) }
            let bodies = try await reach { try await kube.get(record.objects.map { resources[KubeClient.key($0.ref)]?.path(of: $0.ref) ?? "" }) }
            for (object, body) in zip(record.objects, bodies) {
                guard let body, let live = try? WireJSON.decoder().decode(JSONValue.self, from: body) else {
                    reasons.append("\(object.ref) is missing")
                    continue
                }
                reasons += Self.differences(object.configuration, live, path: "").map { "\(object.ref): \($0)" }
            }
        } catch {
            return DeploymentResult(failure: error)
        }
        var details = DeploymentDetails(report: .objects(record))
        details.drift = DriftReport(reasons: reasons)
        return DeploymentResult(outcome: .succeeded, details: details)
    }

    /// What applying would change: each object applied as a server-side dry run and compared
    /// with the live one, and what the set would prune.
    func plan() async -> DeploymentResult {
        let desired: [AppliedObject]
        let record: ObjectRecord?
        var changes: [ReleasePlan.ObjectChange] = []
        do throws(DeploymentFailure) {
            desired = try rendered()
            record = try await self.record()?.record
            let resources = try await reach { try await kube.resources(of: desired.map(\.ref)) }
            for object in desired {
                guard let resource = resources[KubeClient.key(object.ref)] else { continue }
                let live = try await reach { try await kube.get(resource.path(of: object.ref)) }
                let name = "\(object.ref.kind)/\(object.ref.namespace.map { "\($0)/" } ?? "")\(object.ref.name)"
                let planned: Data
                switch await dryRun(object, resource: resource) {
                case .success(let answer): planned = answer
                case .failure(let refusal) where refusal.status == 409:
                    // What applying would meet: fields another manager took since.
                    changes.append(.init(object: name, change: .changed, diff: "\(refusal.message) (ForceConflicts takes them back)"))
                    continue
                case .failure(let refusal): throw DeploymentFailure(.failed, step: "objects", message: refusal.message)
                }
                guard let live, let before = try? WireJSON.decoder().decode(JSONValue.self, from: live) else {
                    changes.append(.init(object: name, change: .added, diff: ""))
                    continue
                }
                let after = (try? WireJSON.decoder().decode(JSONValue.self, from: planned)) ?? [:]
                let differences = Self.differences(object.configuration, before, path: "")
                if Self.content(after) != Self.content(before) || !differences.isEmpty {
                    changes.append(.init(object: name, change: .changed, diff: differences.joined(separator: "\n")))
                }
            }
        } catch {
            return DeploymentResult(failure: error)
        }
        let wanted = Set(desired.map(\.ref))
        for object in record?.objects ?? [] where !wanted.contains(object.ref) && object.ref.kind != "CustomResourceDefinition" {
            changes.append(
                .init(object: "\(object.ref.kind)/\(object.ref.namespace.map { "\($0)/" } ?? "")\(object.ref.name)", change: .removed, diff: "")
            )
        }
        var details = DeploymentDetails(report: .objects(record))
        details.plan = ReleasePlan(
            added: changes.filter { $0.change == .added }.count,
            changed: changes.filter { $0.change == .changed }.count,
            removed: changes.filter { $0.change == .removed }.count,
            currentChart: record.map { "\($0.name)-\($0.version)" },
            plannedChart: "\(declared.name)-\(declared.version)",
            valuesChanged: changes.contains { $0.change == .changed },
            objects: changes
        )
        return DeploymentResult(outcome: .succeeded, details: details)
    }

    /// The object as applying it would leave it (a server-side dry run), or the API server's refusal.
    private func dryRun(_ object: AppliedObject, resource: KubeClient.Resource) async -> Result<Data, KubeClient.Failure> {
        do {
            return .success(
                try await kube.apply(
                    object.configuration.encoded(),
                    as: object.ref,
                    resource: resource,
                    fieldManager: ObjectsDeployer.fieldManager,
                    force: declared.force || context.request.forceConflicts == true,
                    dryRun: true
                )
            )
        } catch {
            return .failure(error)
        }
    }

    /// An object without what the API server keeps for itself (identity, versions, field
    /// ownership, status): what a change would show.
    static func content(_ object: JSONValue) -> JSONValue {
        guard case .object(var fields) = object else { return object }
        fields["status"] = nil
        if case .object(var metadata)? = fields["metadata"] {
            for key in ["managedFields", "resourceVersion", "generation", "uid", "creationTimestamp"] { metadata[key] = nil }
            fields["metadata"] = .object(metadata)
        }
        return .object(fields)
    }

    /// Where `live` differs from `applied` in a field `applied` sets, each as `path: is X, applied Y`.
    static func differences(_ applied: JSONValue, _ live: JSONValue?, path: String) -> [String] {
        switch (applied, live) {
        case (.object(let fields), .object(let liveFields)?):
            return fields.keys.sorted().flatMap { key in
                differences(fields[key] ?? .null, liveFields[key], path: path.isEmpty ? key : "\(path).\(key)")
            }
        case (.array(let items), .array(let liveItems)?) where items.count == liveItems.count:
            return zip(items, liveItems).enumerated().flatMap { index, pair in differences(pair.0, pair.1, path: "\(path)[\(index)]") }
        case (_, nil):
            return ["\(path) is missing"]
        case (let applied, let live?):
            return applied == live
                ? []
                : ["\(path) is \(String(decoding: live.encoded(), as: UTF8.self)), applied \(String(decoding: applied.encoded(), as: UTF8.self))"]
        }
    }
}
