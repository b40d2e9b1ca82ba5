import FleetAPI
import Foundation
import ServerSupport

/// Keeping the fleet at its profiles: what one keeper pass reads, and how it carries out what
/// `ProfileReconciliation` decides. Each step writes its work with the targets it carries out in
/// one transaction, so a server killed between steps leaves every finished step recorded and the
/// next pass asks only for the rest.
extension Fleet {
    /// The audit log's actor for what the profiles start.
    static let profileActor = "profiles"

    /// The profiles as stored now, each read from its current document.
    func currentProfiles() async throws -> [ProfileReconciliation.Revised] {
        try await store.profiles().compactMap { revision in
            (try? Profile(document: revision.document ?? "")).map { ProfileReconciliation.Revised(profile: $0, revision: revision.revision) }
        }
    }

    /// What selectors and templates read of every registered cluster, in registration order.
    func clusterFacts() async throws -> [ValuesTemplate.ClusterFacts] {
        try await store.clusterSummaries().map(ClusterTemplate.Facts.init)
    }

    /// Reads the Kubernetes version of each of `clusters` (just registered, a version not known
    /// yet), a few at a time; whether any was read.
    /// - Parameter wakeProfiles: false when no profile that selects them reads their version.
    func readKubernetesVersions(of unknown: [String], wakeProfiles: Bool = true) async -> Bool {
        guard !unknown.isEmpty else { return false }
        let supervisor = self.supervisor
        return await withTaskGroup(of: Bool.self) { group in
            var next = unknown.makeIterator()
            var read = false
            func readNext() {
                guard let id = next.next() else { return }
                group.addTask { (try? await supervisor.readKubernetesVersion(of: id, wakeProfiles: wakeProfiles)) != nil }
            }
            for _ in 0..<8 { readNext() }
            for await answered in group {
                read = read || answered
                readNext()
            }
            return read
        }
    }

    /// What a keeper pass decides from: everything as recorded now.
    func profileReconciliation() async throws -> ProfileReconciliation {
        let targets = try await store.profileTargets()
        return ProfileReconciliation(
            profiles: try await currentProfiles(),
            clusters: try await clusterFacts(),
            targets: Dictionary(targets.map { ($0.key, $0) }) { $1 },
            now: Date(timeIntervalSince1970: Double(now()) / 1000)
        )
    }

    /// Carries out one pass's steps, each on its own: one that fails is reported with the others done.
    func carryOut(_ steps: ProfileReconciliation.Steps, names: [String: String]) async -> [any Error] {
        var errors: [any Error] = []
        func attempt(_ step: () async throws -> Void) async {
            do { try await step() } catch { errors.append(error) }
        }
        if !steps.records.isEmpty { await attempt { try await store.changeProfileTargets(steps.records) } }
        for enrolment in steps.enrolments { await attempt { try await enrol(enrolment) } }
        for change in steps.changes { await attempt { try await rollOut(change, names: names) } }
        for removal in steps.removals { await attempt { try await remove(removal) } }
        return errors
    }

    private func profileAudit(_ path: String) -> AuditTrail {
        AuditTrail(draft: AuditEntry(time: now(), actor: Self.profileActor, role: nil, method: "POST", path: path, targets: [], status: 0))
    }

    /// Installs a cluster's services in dependency order (what they need, then what the profile
    /// says), outside waves; a service the cluster already runs as asked is only recorded.
    private func enrol(_ enrolment: ProfileReconciliation.Enrolment) async throws {
        guard let cluster = try await store.cluster(enrolment.clusterID) else { return }
        let byService = Dictionary(enrolment.targets.map { ($0.service, $0) }) { $1 }
        let applied = try await store.lastApplied(cluster: cluster.id, services: Array(byService.keys))
        var work: [Work] = []
        var records: [ProfileTargetChange] = []
        var desired: [String: UtilityVersion?] = [:]
        for (service, needs) in await ordered(enrolment) {
            guard var target = byService[service], let spec = target.spec else { continue }
            desired.updateValue(spec.chart?.version.map { UtilityVersion(chart: $0) }, forKey: service.rawValue)
            if RolloutLifecycle.current(of: service, on: cluster, lastApplied: applied[service]) == spec.outcome {
                target.deploymentID = applied[service]?.id
                records.append(.set(target))
                continue
            }
            work.append(Work(clusterID: cluster.id, service: service, spec: spec, after: work.lastIndex { needs.contains($0.service) }))
            records.append(.set(target))
        }
        try await start(
            work,
            desiredVersions: (cluster.id, desired),
            audit: profileAudit("/api/profiles"),
            targets: [cluster.id],
            profileTargets: records
        )
    }

    /// The enrolment's services in provisioning order, the profile's `dependsOn` honoured too,
    /// each with everything it waits for.
    private func ordered(_ enrolment: ProfileReconciliation.Enrolment) async -> [(ServiceName, Set<ServiceName>)] {
        let planned = await services.plan(enrolment.targets.map(\.service))
        var needs = Dictionary(planned.map { ($0.name, $0.needs) }) { $1 }
        for (service, extra) in enrolment.dependsOn { needs[service, default: []].formUnion(extra) }
        // Provisioning order, moving each service after what the profile says it needs; `dependsOn`
        // has no cycles (refused at apply), so this ends.
        var order: [ServiceName] = []
        func place(_ service: ServiceName, _ visiting: Set<ServiceName>) {
            guard !order.contains(service), !visiting.contains(service) else { return }
            for need in planned.map(\.name) where needs[service]?.contains(need) == true { place(need, visiting.union([service])) }
            order.append(service)
        }
        for (service, _) in planned { place(service, []) }
        return order.map { ($0, needs[$0] ?? []) }
    }

    /// One rollout of the profile's new render to the clusters whose render changed, with the
    /// profile's strategy and window. A rollout of the profile's earlier render still in flight
    /// is cancelled, and its clusters it had not reached join this one.
    private func rollOut(_ change: ProfileReconciliation.Change, names: [String: String]) async throws {
        var targets = change.targets
        let audit = profileAudit("/api/rollouts")
        for id in Set((change.targets + change.unchanged).compactMap(\.rolloutID)).sorted() {
            guard let earlier = try await store.rollout(id), !earlier.state.isFinal else { continue }
            _ = try await control(rollout: id, .cancel, audit: profileAudit("/api/rollout/\(id)/cancel"))
            let reached = Set(earlier.clusters.filter { $0.state == .succeeded || $0.state == .skipped }.map(\.clusterID))
            targets += change.unchanged.filter { $0.rolloutID == id && !reached.contains($0.clusterID) }
        }
        let strategy = try change.profile.strategy.rolloutStrategy(service: change.service, metricsTokens: supervisor.metricsReader.tokenNames)
        let specs = Dictionary(
            targets.compactMap { target in
                target.spec.map { spec -> (String, DeploymentSpec) in
                    var spec = spec
                    spec.test = change.profile.strategy.test ? true : nil
                    return (target.clusterID, spec)
                }
            }
        ) { $1 }
        let ids = targets.map(\.clusterID).filter { specs[$0] != nil }
        guard let first = ids.first, let target = specs[first] else { return }
        let rollout = supervisor.rolloutLifecycle.created(
            service: change.service,
            target: target,
            strategy: strategy,
            selection: "profile \(change.profile.name) revision \(change.revision)",
            plan: try Self.waves(ids, strategy),
            names: names,
            targets: specs,
            window: change.profile.window
        )
        let records = targets.map { target -> ProfileTargetChange in
            var target = target
            target.rolloutID = rollout.id
            target.deploymentID = nil
            return .set(target)
        }
        _ = try await create(rollout, audit: audit, profileTargets: records)
    }

    /// The service a cluster no longer gets from any profile, removed (`onLeave: remove`).
    private func remove(_ target: ProfileTarget) async throws {
        let work = Work(clusterID: target.clusterID, service: target.service, spec: DeploymentSpec(action: .delete))
        try await start(
            [work],
            desiredVersions: (target.clusterID, [target.service.rawValue: UtilityVersion?.none]),
            audit: profileAudit("/api/profiles"),
            profileTargets: [.remove(target.key)]
        )
    }
}
