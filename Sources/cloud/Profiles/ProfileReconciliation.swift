import FleetAPI
import Foundation

/// One keeper pass decided: from the profiles, the clusters and what the profiles last asked of
/// each (cluster, service), the work that brings every cluster to its render. Pure; the fleet
/// carries the steps out (`Fleet+Profiles`), each with its targets in the same transaction.
///
/// A (cluster, service) never asked before is enrolled at once, outside waves (or at the next
/// window, with `newClusters: next-window`); one whose render changed joins its profile's
/// rollout for that service; one no profile sets any more gets its last profile's `onLeave`.
struct ProfileReconciliation: Sendable {
    /// A profile as of its current revision.
    struct Revised: Sendable {
        var profile: Profile
        var revision: Int
    }

    /// A cluster's services to install at once, with what each must wait for.
    struct Enrolment: Sendable, Equatable {
        var clusterID: String
        var targets: [ProfileTarget]
        /// Per service, the services the profile says it depends on beyond its own.
        var dependsOn: [ServiceName: Set<ServiceName>]
    }

    /// A profile's new render of one service, for the clusters whose render changed.
    struct Change: Sendable {
        var profile: Profile
        var revision: Int
        var service: ServiceName
        /// In cluster registration order.
        var targets: [ProfileTarget]
        /// The profile's other clusters for the service, as they are asked now: those a rollout
        /// in flight had not reached yet join the new one when it takes that one's place.
        var unchanged: [ProfileTarget]
    }

    struct Steps: Sendable {
        var enrolments: [Enrolment] = []
        var changes: [Change] = []
        /// Services to remove from clusters that left (their profile's `onLeave: remove`).
        var removals: [ProfileTarget] = []
        /// Target changes that need no work: a failed render, the same render at a new revision,
        /// a cluster that left with `keep` or was deleted.
        var records: [ProfileTargetChange] = []
        /// Enrolments held for the next window.
        var waiting: [ProfileTarget] = []
    }

    var profiles: [Revised]
    /// In registration order.
    var clusters: [ValuesTemplate.ClusterFacts]
    var targets: [ProfileTarget.Key: ProfileTarget]
    var now: Date

    func steps() -> Steps {
        var steps = Steps()
        let byName = Dictionary(profiles.map { ($0.profile.name, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [String: Change] = [:]
        var changeOrder: [String] = []
        var unchanged: [String: [ProfileTarget]] = [:]
        var seen = Set<ProfileTarget.Key>()
        for cluster in clusters {
            var enrolment = Enrolment(clusterID: cluster.id, targets: [], dependsOn: [:])
            let wanted = ProfileEvaluation.targets(for: cluster, profiles: profiles.map(\.profile))
            for (name, wish) in wanted.sorted(by: { $0.key < $1.key }) {
                guard let revised = byName[wish.profile] else { continue }
                let service = ServiceName(name)
                let key = ProfileTarget.Key(clusterID: cluster.id, service: service)
                seen.insert(key)
                // A chart version chosen by Kubernetes version waits until the version is read.
                if cluster.kubernetesVersion == nil, revised.profile.services[name]?.versionsByKubernetes.isEmpty == false { continue }
                let recorded = targets[key]
                let target = ProfileTarget(
                    clusterID: cluster.id,
                    service: service,
                    profile: revised.profile.name,
                    revision: revised.revision,
                    spec: wish.spec ?? recorded?.spec,
                    failure: wish.failure,
                    onLeave: revised.profile.onLeave,
                    rolloutID: recorded?.rolloutID,
                    deploymentID: recorded?.deploymentID,
                    // A revision whose rollout was undone stays held until another is applied.
                    held: recorded?.revision == revised.revision ? recorded?.held : nil
                )
                guard let spec = wish.spec else {
                    // A render that fails keeps what the cluster was last given; it fails this
                    // cluster's service only, recorded for its status.
                    if recorded?.failure != wish.failure || recorded?.revision != revised.revision || recorded?.profile != revised.profile.name {
                        steps.records.append(.set(target))
                    }
                    continue
                }
                guard let recorded, let asked = recorded.spec else {
                    if revised.profile.newClusters == .nextWindow, let window = revised.profile.window, !window.contains(now) {
                        steps.waiting.append(target)
                        continue
                    }
                    enrolment.targets.append(target)
                    let declared = revised.profile.services[name]?.dependsOn ?? []
                    enrolment.dependsOn[service] = Set(declared.map { ServiceName($0) })
                    continue
                }
                let id = "\(revised.profile.name)/\(name)"
                // A new revision after a held one is applied even where it renders the same: the
                // cluster still runs what it had before the undone rollout.
                let retried = recorded.held != nil && target.held == nil
                if asked == spec, !retried {
                    if recorded.revision != revised.revision || recorded.profile != revised.profile.name || recorded.failure != nil
                        || recorded.onLeave != revised.profile.onLeave
                    {
                        steps.records.append(.set(target))
                    }
                    // With its recorded rollout: one still in flight that a change supersedes hands it on.
                    unchanged[id, default: []].append(target)
                    continue
                }
                // The recorded rollout stays on the target: one still in flight gives way to the new one.
                if changes[id] == nil {
                    changeOrder.append(id)
                    changes[id] = Change(profile: revised.profile, revision: revised.revision, service: service, targets: [], unchanged: [])
                }
                changes[id]?.targets.append(target)
            }
            if !enrolment.targets.isEmpty { steps.enrolments.append(enrolment) }
        }
        steps.changes = changeOrder.compactMap { id in
            changes[id].map { change in
                var change = change
                change.unchanged = unchanged[id] ?? []
                return change
            }
        }
        let live = Set(clusters.map(\.id))
        for (key, recorded) in targets.sorted(by: { ($0.key.clusterID, $0.key.service) < ($1.key.clusterID, $1.key.service) })
        where !seen.contains(key) {
            if live.contains(key.clusterID), recorded.onLeave == .remove, recorded.spec != nil {
                steps.removals.append(recorded)
            } else {
                steps.records.append(.remove(key))
            }
        }
        return steps
    }
}
