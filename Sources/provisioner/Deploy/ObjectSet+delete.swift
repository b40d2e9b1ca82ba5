import FleetAPI
import HelmDriver

extension ObjectSet {
    /// Deletes what the record names, newest-declared last first, and waits until the API server
    /// has removed them (an operator's finalizers may hold them a while); then the record. A
    /// CustomResourceDefinition stays: deleting it deletes every object of its kind in the cluster.
    func delete() async -> DeploymentResult {
        var log: [String] = []
        let recorded: Bool
        do {
            recorded = try await record() != nil
        } catch {
            return DeploymentResult(failure: error)
        }
        guard recorded else {
            return DeploymentResult(
                outcome: .succeeded,
                details: DeploymentDetails(
                    report: .objects(nil),
                    log: ["\(declared.name): nothing recorded in \(declared.namespace); nothing to delete"]
                )
            )
        }
        do {
            log += try await service.beforeDelete(context)
        } catch {
            return DeploymentResult(failure: DeploymentFailure(.failed, step: "beforeDelete hook", message: "\(error)"))
        }
        var claim: RecordClaim
        do {
            switch try await self.claim({ $0.map { Self.deleting($0) } }) {
            case .taken(let claimed): claim = claimed
            case .cancelled: return DeploymentResult(outcome: .cancelled, details: DeploymentDetails(report: .objects(nil), log: log))
            case .nothing(let waited):
                log += (waited.map { [$0] } ?? []) + ["\(declared.name): deleted meanwhile by another operation"]
                return DeploymentResult(outcome: .succeeded, details: DeploymentDetails(report: .objects(nil), log: log))
            }
        } catch {
            return DeploymentResult(failure: error)
        }
        log += claim.waited.map { [$0] } ?? []
        var deleted: [ObjectRef] = []
        let served: [String: KubeClient.Resource]
        do {
            served = try await reach { try await kube.resources(of: claim.record.objects.map(\.ref), servedOnly: true) }
            for object in claim.record.objects.reversed() {
                if object.ref.kind == "CustomResourceDefinition" {
                    log.append("kept \(object.ref): deleting it would delete every object of its kind")
                    continue
                }
                // A kind the cluster no longer serves took its objects with it.
                guard let resource = served[KubeClient.key(object.ref)] else { continue }
                if try await reach({ try await kube.delete(object.ref, resource: resource) }) {
                    log.append("deleted \(object.ref)")
                    deleted.append(object.ref)
                }
            }
        } catch {
            return await failed(&claim, error, log: log)
        }
        switch await waitUntilGone(deleted, resources: served) {
        case .ready: break
        case let other:
            try? await mark(&claim, .failed)
            return other.result(details: DeploymentDetails(report: .objects(claim.record), log: log))
        }
        do {
            try await reach {
                try await kube.deleteRecord(name: declared.name, namespace: declared.namespace, resourceVersion: claim.resourceVersion)
            }
        } catch {
            return await failed(&claim, error, log: log)
        }
        return DeploymentResult(outcome: .succeeded, details: DeploymentDetails(report: .objects(nil), log: log))
    }

    private static func deleting(_ record: ObjectRecord) -> ObjectRecord {
        var record = record
        record.status = .deleting
        return record
    }

    private func waitUntilGone(_ refs: [ObjectRef], resources: [String: KubeClient.Resource]) async -> Waited {
        var remaining = refs.map { "\($0): still there" }
        while true {
            let paths = refs.map { resources[KubeClient.key($0)]?.path(of: $0) ?? "" }
            // A read that fails (one cut short by the deadline) leaves the last answer standing.
            if let bodies = try? await kube.get(paths) {
                remaining = zip(refs, bodies).filter { $0.1 != nil }.map { "\($0.0): still there" }
            }
            guard let first = remaining.first else {
                events.waiting?(nil)
                return .ready
            }
            events.waiting?(first)
            guard ContinuousClock.now + deployer.pollInterval < context.deadline else { return .notReady(remaining) }
            do {
                try await Task.sleep(for: deployer.pollInterval)
            } catch {
                return .cancelled
            }
        }
    }
}
