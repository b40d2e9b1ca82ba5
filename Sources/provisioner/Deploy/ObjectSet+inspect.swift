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
    /// beside ours are theirs), as a Helm release's manifest is checked, and the set at the
    /// version asked.
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
            reasons += try await reach {
                try await kube.drift(
                    ofManifest: Self.manifest(record.objects),
                    namespace: declared.namespace,
                    ownManager: ObjectsDeployer.fieldManager
                )
            }
        } catch {
            return DeploymentResult(failure: error)
        }
        var details = DeploymentDetails(report: .objects(record))
        details.drift = DriftReport(reasons: reasons)
        return DeploymentResult(outcome: .succeeded, details: details)
    }

    /// What applying would change, changing nothing, as a Helm release's plan reads it: the
    /// objects last applied (the record) against those the request renders, each canonical and
    /// line-diffed (`ReleasePlan(current:planned:)`). Each is also applied as a server-side dry
    /// run, so the API server validates it as the apply would; a field another manager owns is
    /// shown as a change, not failed.
    func plan() async -> DeploymentResult {
        let desired: [AppliedObject]
        let record: ObjectRecord?
        var conflicts: [String: String] = [:]
        do throws(DeploymentFailure) {
            desired = try rendered()
            record = try await self.record()?.record
            let resources = try await reach { try await kube.resources(of: desired.map(\.ref)) }
            for object in desired {
                guard let resource = resources[KubeClient.key(object.ref)] else { continue }
                switch await dryRun(object, resource: resource) {
                case .success: break
                case .failure(let refusal) where refusal.status == 409:
                    conflicts[Self.planKey(object.ref)] = "\(refusal.message) (ForceConflicts takes them back)"
                case .failure(let refusal): throw DeploymentFailure(.failed, step: "objects", message: refusal.message)
                }
            }
        } catch {
            return DeploymentResult(failure: error)
        }
        var plan: ReleasePlan
        do {
            plan = ReleasePlan(
                current: try ManifestObjects(manifest: Self.manifest(record?.objects ?? []), namespace: declared.namespace),
                planned: try ManifestObjects(manifest: Self.manifest(desired), namespace: declared.namespace),
                currentChart: record.map { "\($0.name)-\($0.version)" },
                plannedChart: "\(declared.name)-\(declared.version)",
                valuesChanged: false
            )
        } catch {
            return DeploymentResult(failure: DeploymentFailure(.failed, step: "objects", message: "the objects cannot be compared: \(error)"))
        }
        // What applying would meet besides: fields another manager took since.
        for (key, conflict) in conflicts.sorted(by: { $0.key < $1.key }) {
            if let index = plan.objects.firstIndex(where: { $0.object == key }) {
                plan.objects[index].diff += "\n\(conflict)"
            } else {
                plan.objects.append(.init(object: key, change: .changed, diff: conflict))
                plan.changed += 1
            }
        }
        var details = DeploymentDetails(report: .objects(record))
        details.plan = plan
        return DeploymentResult(outcome: .succeeded, details: details)
    }

    /// Objects as a manifest: JSON documents (JSON is YAML).
    static func manifest(_ objects: [AppliedObject]) -> String {
        objects.map { String(decoding: $0.configuration.encoded(), as: UTF8.self) }.joined(separator: "\n---\n")
    }

    /// How a plan names an object (`ManifestObjects.Key`).
    static func planKey(_ ref: ObjectRef) -> String {
        "\(ref.kind)/\(ref.namespace.map { "\($0)/" } ?? "")\(ref.name)"
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
}
