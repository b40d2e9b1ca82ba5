import FleetAPI
import ServerSupport

/// What applying a profile document would change: the keeper's own decision, made with the
/// document in place of the profile's current revision, and not carried out.
extension Fleet {
    func plan(_ profile: Profile) async throws -> ProfilePlan {
        var reconciliation = try await profileReconciliation()
        let current = reconciliation.profiles.first { $0.profile.name == profile.name }
        let revision = current.map { $0.profile == profile ? $0.revision : $0.revision + 1 } ?? 1
        reconciliation.profiles.removeAll { $0.profile.name == profile.name }
        reconciliation.profiles.append(.init(profile: profile, revision: revision))
        let steps = reconciliation.steps()
        let names = Dictionary(reconciliation.clusters.map { ($0.id, $0.name) }) { $1 }
        let recorded = reconciliation.targets
        func entry(_ target: ProfileTarget, _ change: ProfilePlan.Change, wave: Int? = nil, detail: String? = nil) -> ProfilePlan.Entry {
            let before = recorded[target.key]?.spec
            return ProfilePlan.Entry(
                clusterID: target.clusterID,
                name: names[target.clusterID] ?? target.clusterID,
                service: target.service,
                change: change,
                wave: wave,
                from: before?.chart?.version,
                to: change == .remove ? nil : target.spec?.chart?.version,
                valuesChanged: change != .remove && change != .failed && before?.values != target.spec?.values,
                detail: detail ?? target.failure
            )
        }
        var entries: [ProfilePlan.Entry] = []
        for enrolment in steps.enrolments {
            entries += enrolment.targets.filter { $0.profile == profile.name }.map { entry($0, .install) }
        }
        let strategy = try profile.strategy.rolloutStrategy(service: "plan")
        for change in steps.changes where change.profile.name == profile.name {
            let waves = try Self.waves(change.targets.map(\.clusterID), strategy).waves
            let wave = Dictionary(waves.enumerated().flatMap { index, ids in ids.map { ($0, index + 1) } }) { $1 }
            entries += change.targets.map { entry($0, .upgrade, wave: wave[$0.clusterID]) }
        }
        entries += steps.removals.filter { $0.profile == profile.name }.map { entry($0, .remove) }
        for record in steps.records {
            guard case .set(let target) = record, target.profile == profile.name, target.failure != nil else { continue }
            entries.append(entry(target, .failed))
        }
        for target in steps.waiting where target.profile == profile.name {
            entries.append(entry(target, .waitingForWindow, detail: profile.window.map { "new clusters wait for the window \($0.description)" }))
        }
        let selected = reconciliation.clusters.filter { profile.selector.matches($0.labels) }.count * profile.services.count
        return ProfilePlan(
            name: profile.name,
            revision: revision,
            changes: entries,
            unchanged: max(0, selected - entries.filter { $0.change != .remove }.count)
        )
    }

    /// Has a provisioner plan each install and upgrade of `plan` (a `plan` deployment: the
    /// objects and values helm would change on that cluster), as `POST /api/rollouts/plan` does.
    func planDiffs(_ plan: ProfilePlan, of profile: Profile, audit: AuditTrail) async throws -> ProfilePlan {
        let clusters = Dictionary(try await clusterFacts().map { ($0.id, $0) }) { $1 }
        var plan = plan
        var work: [Work] = []
        var planned: [Int] = []
        for (index, entry) in plan.changes.enumerated() where entry.change == .install || entry.change == .upgrade {
            guard let cluster = clusters[entry.clusterID],
                let spec = ProfileEvaluation.targets(for: cluster, profiles: [profile])[entry.service.rawValue]?.spec
            else { continue }
            let asked = DeploymentSpec(action: .plan, chart: spec.chart, values: spec.values)
            work.append(Work(clusterID: entry.clusterID, service: entry.service, spec: asked, timeoutSeconds: profile.strategy.timeoutSeconds))
            planned.append(index)
        }
        guard !work.isEmpty else { return plan }
        for (index, deployment) in zip(planned, try await start(work, audit: audit)) { plan.changes[index].planDeploymentID = deployment.id }
        return plan
    }
}
