import FleetAPI
import ServerSupport

/// What applying a profile document would change: the keeper's own decision, made with the
/// document in place of the profile's current revision, and not carried out.
extension Fleet {
    /// - Parameters:
    ///   - reconciliation: the fleet as read for this request (`profileReconciliation()`).
    ///   - diffs: given, a provisioner also plans each install and upgrade (a `plan` deployment:
    ///     the objects and values helm would change there), as `POST /api/rollouts/plan` does.
    func plan(_ profile: Profile, in reconciliation: ProfileReconciliation, diffs: AuditTrail? = nil) async throws -> ProfilePlan {
        var reconciliation = reconciliation
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
        let strategy = try profile.strategy.rolloutStrategy(service: "plan", metricsTokens: supervisor.metricsReader.tokenNames)
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
        var plan = ProfilePlan(
            name: profile.name,
            revision: revision,
            changes: entries,
            unchanged: max(0, selected - entries.filter { $0.change != .remove }.count)
        )
        if let diffs {
            let rendered = steps.enrolments.flatMap(\.targets) + steps.changes.filter { $0.profile.name == profile.name }.flatMap(\.targets)
            try await planDiffs(
                &plan,
                rendered: Dictionary(rendered.map { ($0.key, $0) }) { $1 },
                timeoutSeconds: profile.strategy.timeoutSeconds,
                audit: diffs
            )
        }
        return plan
    }

    private func planDiffs(
        _ plan: inout ProfilePlan,
        rendered: [ProfileTarget.Key: ProfileTarget],
        timeoutSeconds: Int,
        audit: AuditTrail
    ) async throws {
        var work: [Work] = []
        var planned: [Int] = []
        for (index, entry) in plan.changes.enumerated() where entry.change == .install || entry.change == .upgrade {
            guard let spec = rendered[ProfileTarget.Key(clusterID: entry.clusterID, service: entry.service)]?.spec else { continue }
            let asked = DeploymentSpec(action: .plan, chart: spec.chart, values: spec.values)
            work.append(Work(clusterID: entry.clusterID, service: entry.service, spec: asked, timeoutSeconds: timeoutSeconds))
            planned.append(index)
        }
        guard !work.isEmpty else { return }
        for (index, deployment) in zip(planned, try await start(work, audit: audit)) { plan.changes[index].planDeploymentID = deployment.id }
    }
}
