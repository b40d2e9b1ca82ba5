import FleetAPI
import Foundation
import HelmDriver

/// One request's work on one service's object set in one cluster: what `ObjectsDeployer` does,
/// action by action. Every step that changes the cluster writes the set's record first, so a
/// provisioner killed at any point leaves every object it may have touched recorded.
struct ObjectSet {
    let deployer: ObjectsDeployer
    let context: DeploymentContext
    let service: any ThirdPartyService
    let declared: ObjectsRelease
    let events: DeploymentEvents
    /// How long another operation's mark on the record may be its own (`ObjectSet+hold`).
    let hold: ReleaseHold

    var kube: KubeClient { context.kube }

    func run() async -> DeploymentResult {
        switch context.request.action {
        case .apply: await apply()
        case .delete: await delete()
        case .verify: await verify()
        case .plan: await plan()
        case .check: await check()
        }
    }

    /// The declared objects rendered from the service's values (shipped defaults, then per
    /// cluster, then the request's), each named, in the set's namespace unless it names one.
    func rendered() throws(DeploymentFailure) -> [AppliedObject] {
        let values: JSONValue
        do {
            values = try JSONValue(yaml: service.defaultValues).merging(service.derivedValues(for: context.request)).merging(
                context.request.values ?? [:]
            )
        } catch {
            throw DeploymentFailure(.failed, step: "values", message: "the shipped values are not YAML: \(error)")
        }
        var objects: [JSONValue] = []
        do {
            objects = try ObjectTemplate(declared.objects).render(values)
            for conditional in declared.objectsWhenSet {
                switch values.value(at: conditional.value) {
                case nil, .null?, .bool(false)?: continue
                default: objects += try ObjectTemplate(conditional.objects).render(values)
                }
            }
        } catch {
            throw DeploymentFailure(.invalidInput, step: "objects", message: error.description)
        }
        return try objects.map { object throws(DeploymentFailure) in
            guard case .object(var fields) = object, case .string(let apiVersion)? = fields["apiVersion"], case .string(let kind)? = fields["kind"],
                case .object(var metadata)? = fields["metadata"], case .string(let name)? = metadata["name"]
            else { throw DeploymentFailure(.failed, step: "objects", message: "an object lacks apiVersion, kind or metadata.name") }
            var namespace: String?
            if case .string(let named)? = metadata["namespace"] { namespace = named }
            if namespace == nil, !Self.clusterScoped.contains(kind) {
                namespace = declared.namespace
                metadata["namespace"] = .string(declared.namespace)
                fields["metadata"] = .object(metadata)
            }
            return AppliedObject(ref: ObjectRef(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name), configuration: .object(fields))
        }
    }

    /// Kinds without a namespace that a service may declare.
    static let clusterScoped: Set<String> = ["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"]

    func apply() async -> DeploymentResult {
        var log: [String] = []
        let desired: [AppliedObject]
        let resources: [String: KubeClient.Resource]
        do {
            desired = try rendered()
            resources = try await reach { try await kube.resources(of: desired.map(\.ref)) }
            try await reach { try await ensureNamespace() }
        } catch {
            return DeploymentResult(failure: error)
        }
        let wanted = Set(desired.map(\.ref))
        var claim: RecordClaim
        do {
            // Every object the apply may touch is recorded before the first is: the earlier set's too.
            let claimed = try await self.claim { earlier in
                ObjectRecord(
                    name: declared.name,
                    namespace: declared.namespace,
                    version: declared.version,
                    revision: (earlier?.revision ?? 0) + 1,
                    status: .applying,
                    objects: desired + (earlier?.objects ?? []).filter { !wanted.contains($0.ref) },
                    firstApplied: earlier?.firstApplied ?? Self.timestamp()
                )
            }
            guard case .taken(let claimed) = claimed else {
                return DeploymentResult(outcome: .cancelled, details: DeploymentDetails(report: .objects(nil), log: log))
            }
            claim = claimed
        } catch {
            return DeploymentResult(failure: error)
        }
        log += claim.waited.map { [$0] } ?? []
        let leaving = (claim.earlier?.objects ?? []).filter { !wanted.contains($0.ref) }
        let force = declared.force || context.request.forceConflicts == true
        do {
            for object in desired {
                guard let resource = resources[KubeClient.key(object.ref)] else { continue }
                _ = try await reach {
                    try await kube.apply(
                        object.configuration.encoded(),
                        as: object.ref,
                        resource: resource,
                        fieldManager: ObjectsDeployer.fieldManager,
                        force: force
                    )
                }
                log.append("applied \(object.ref)\(force ? " (forcing fields other managers own)" : "")")
            }
        } catch {
            return await failed(&claim, error, log: log)
        }
        let waited = await waitUntilReady(desired.map(\.ref), resources: resources)
        guard waited == .ready else {
            try? await mark(&claim, .failed)
            return waited.result(details: DeploymentDetails(report: .objects(claim.record), log: log))
        }
        do {
            let served = try await reach { try await kube.resources(of: leaving.map(\.ref), servedOnly: true) }
            for object in leaving where object.ref.kind != "CustomResourceDefinition" {
                guard let resource = served[KubeClient.key(object.ref)] else { continue }
                if try await reach({ try await kube.delete(object.ref, resource: resource) }) {
                    log.append("removed \(object.ref): no longer declared")
                }
            }
            claim.record.objects = desired
            try await mark(&claim, .deployed)
        } catch {
            return await failed(&claim, error, log: log)
        }
        var hookContext = context
        hookContext.release = ReleaseInfo(claim.record)
        do {
            log += try await service.afterApply(hookContext)
        } catch {
            return DeploymentResult(
                outcome: .failed(DeploymentFailure(.failed, step: "afterApply hook", message: "\(error)")),
                details: DeploymentDetails(report: .objects(claim.record), log: log)
            )
        }
        return DeploymentResult(outcome: .succeeded, details: DeploymentDetails(report: .objects(claim.record), log: log))
    }

    /// An operation that failed after taking the set leaves it `failed`, not held.
    func failed(_ claim: inout RecordClaim, _ failure: DeploymentFailure, log: [String]) async -> DeploymentResult {
        try? await mark(&claim, .failed)
        return DeploymentResult(outcome: .failed(failure), details: DeploymentDetails(report: .objects(claim.record), log: log))
    }

    /// The set's namespace, created if missing (as `helm --create-namespace` does).
    private func ensureNamespace() async throws(KubeClient.Failure) {
        let ref = ObjectRef(apiVersion: "v1", kind: "Namespace", name: declared.namespace)
        guard try await kube.get("/api/v1/namespaces/\(declared.namespace)") == nil else { return }
        let namespace: JSONValue = ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(declared.namespace)]]
        _ = try await kube.apply(
            namespace.encoded(),
            as: ref,
            resource: KubeClient.Resource(plural: "namespaces", namespaced: false),
            fieldManager: ObjectsDeployer.fieldManager
        )
    }

    /// The set's record in the cluster; nil when it was never applied (or was deleted).
    func record() async throws(DeploymentFailure) -> StoredRecord? {
        try await reach { try await kube.objectRecord(name: declared.name, namespace: declared.namespace) }
    }

    /// A call to the cluster; its failure as the deployment reports it.
    func reach<T>(_ call: () async throws -> T) async throws(DeploymentFailure) -> T {
        do {
            return try await call()
        } catch {
            throw DeploymentFailure(.failed, step: "objects", message: "\(error)")
        }
    }

    static func timestamp() -> String {
        Date().formatted(.iso8601)
    }
}
