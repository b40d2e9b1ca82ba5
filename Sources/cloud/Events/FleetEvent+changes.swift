import FleetAPI

/// The events a change makes, derived in the store from what a transaction read and writes, so
/// no caller can change something and forget to say so.
extension FleetEvent {
    static func deploymentCreated(_ deployment: Deployment) -> FleetEvent {
        ofDeployment(deployment, summary: "\(describe(deployment)) requested")
    }

    /// One event when the state changes; a deployment's other writes (its log, its provisioner's
    /// answers) are not news.
    static func deploymentChanged(from old: Deployment, to new: Deployment) -> FleetEvent? {
        guard old.state != new.state else { return nil }
        var summary = "\(describe(new)) \(new.state.rawValue)"
        if new.state == .failed, let error = new.error { summary += ": \(error.prefix(200))" }
        return ofDeployment(new, summary: summary)
    }

    private static func ofDeployment(_ deployment: Deployment, summary: String) -> FleetEvent {
        FleetEvent(
            type: "deployment.\(deployment.state.rawValue)",
            objectID: deployment.id,
            clusterID: deployment.clusterID,
            service: deployment.service.rawValue,
            state: deployment.state.rawValue,
            version: deployment.chart?.version,
            summary: summary
        )
    }

    private static func describe(_ deployment: Deployment) -> String {
        let version = deployment.chart?.version.map { " \($0)" } ?? ""
        let what = deployment.action == .apply ? "deployment" : "\(deployment.action.rawValue)"
        return "\(what) \(deployment.id) of \(deployment.service)\(version) on cluster \(deployment.clusterID)"
    }

    static func rolloutCreated(_ rollout: Rollout) -> FleetEvent {
        ofRollout(rollout, type: "rollout.created", summary: "\(describe(rollout)) created over \(rollout.clusters.count) clusters")
    }

    /// The rollout's new state, or `rollout.progressed` when only its clusters moved on; an
    /// `analysis.failed` for each cluster its analysis failed, and `rollout.undone` when it was
    /// rolled back.
    static func rolloutChanged(from old: Rollout, to new: Rollout) -> [FleetEvent] {
        var events = analysisFailures(from: old, to: new)
        if old.undoneBy == nil, let undo = new.undoneBy {
            events.append(ofRollout(new, type: "rollout.undone", summary: "\(describe(new)) undone by rollout \(undo)"))
        }
        if old.state != new.state {
            var summary = "\(describe(new)) \(new.state.rawValue)"
            if let error = new.error, new.state == .halted || new.state == .failed { summary += ": \(error.prefix(200))" }
            return [ofRollout(new, type: "rollout.\(new.state.rawValue)", summary: summary)] + events
        }
        guard old.clusters != new.clusters || old.wave != new.wave else { return events }
        let done = new.clusters.filter(\.state.isFinal).count
        return [
            ofRollout(
                new,
                type: "rollout.progressed",
                summary: "\(describe(new)): \(done) of \(new.clusters.count) clusters done, wave \(new.wave + 1)"
            )
        ] + events
    }

    private static func analysisFailures(from old: Rollout, to new: Rollout) -> [FleetEvent] {
        guard old.clusters.count == new.clusters.count else { return [] }
        return zip(old.clusters, new.clusters).compactMap { before, after in
            guard before.state != .failed, after.state == .failed, after.analysis != nil else { return nil }
            return FleetEvent(
                type: "analysis.failed",
                objectID: new.id,
                clusterID: after.clusterID,
                service: new.service.rawValue,
                state: after.state.rawValue,
                version: (after.target ?? new.target).chart?.version,
                summary: "\(describe(new)) on cluster \(after.name): \(after.reason?.prefix(200) ?? "analysis failed")"
            )
        }
    }

    private static func ofRollout(_ rollout: Rollout, type: String, summary: String) -> FleetEvent {
        FleetEvent(
            type: type,
            objectID: rollout.id,
            service: rollout.service.rawValue,
            state: rollout.state.rawValue,
            version: rollout.target.chart?.version,
            summary: summary
        )
    }

    private static func describe(_ rollout: Rollout) -> String {
        let version = rollout.target.chart?.version.map { " \($0)" } ?? ""
        return "rollout \(rollout.id) of \(rollout.service)\(version)"
    }

    static func clusterCreated(_ cluster: Cluster) -> FleetEvent {
        FleetEvent(
            type: "cluster.created",
            objectID: cluster.id,
            clusterID: cluster.id,
            summary: "cluster \(cluster.name) (\(cluster.id)) registered"
        )
    }

    /// Labels set or removed: profiles may select the cluster now, or no more.
    static func clusterRelabelled(_ cluster: Cluster, from old: [String]) -> FleetEvent? {
        let added = cluster.labels.filter { !old.contains($0) }
        let removed = old.filter { !cluster.labels.contains($0) }
        guard !added.isEmpty || !removed.isEmpty else { return nil }
        let change = (added.map { "+\($0)" } + removed.map { "-\($0)" }).joined(separator: " ")
        return FleetEvent(
            type: "cluster.updated",
            objectID: cluster.id,
            clusterID: cluster.id,
            summary: "cluster \(cluster.name) relabelled: \(change)"
        )
    }

    static func clusterDeleted(_ id: String) -> FleetEvent {
        FleetEvent(type: "cluster.deleted", objectID: id, clusterID: id, summary: "cluster \(id) deleted")
    }

    /// A utility installed again at the same chart version from other content: the version was
    /// pushed again to its registry (what a pinned `Chart.Digest` refuses), said once per change.
    static func chartsChanged(cluster id: String, from old: UtilityMetadata, to new: UtilityMetadata) -> [FleetEvent] {
        (new.actualReleases ?? [:]).keys.sorted().compactMap { service in
            guard let before = old.actualReleases?[service]?.chartDigest, let after = new.actualReleases?[service]?.chartDigest,
                before != after, let version = new.actualVersions[service].flatMap({ $0?.chart }),
                old.actualVersions[service].flatMap({ $0?.chart }) == version
            else { return nil }
            return FleetEvent(
                type: "cluster.chart-changed",
                objectID: id,
                clusterID: id,
                service: service,
                version: version,
                summary: "cluster \(id): \(service) \(version) was installed from other content: chart digest \(before) is now \(after)"
            )
        }
    }

    /// A drift finding or its end per utility; `cluster.updated` when versions changed.
    static func utilitiesChanged(cluster id: String, from old: UtilityMetadata, to new: UtilityMetadata) -> [FleetEvent] {
        var events: [FleetEvent] = []
        if old.actualVersions != new.actualVersions || old.desiredVersions != new.desiredVersions {
            let changed = Set(new.actualVersions.keys).union(new.desiredVersions.keys).union(old.actualVersions.keys).filter {
                old.actualVersions[$0] != new.actualVersions[$0] || old.desiredVersions[$0] != new.desiredVersions[$0]
            }
            for service in changed.sorted() {
                let actual = new.actualVersions[service].flatMap { $0?.chart }
                events.append(
                    FleetEvent(
                        type: "cluster.updated",
                        objectID: id,
                        clusterID: id,
                        service: service,
                        version: actual,
                        summary:
                            "cluster \(id): \(service) runs \(actual ?? "nothing"), desired \(new.desiredVersions[service].flatMap { $0?.chart } ?? "nothing")"
                    )
                )
            }
        }
        events += chartsChanged(cluster: id, from: old, to: new)
        let services = Set((old.drift ?? [:]).keys).union((new.drift ?? [:]).keys)
        for service in services.sorted() {
            let was = old.drift?[service]?.state == .drifted
            let now = new.drift?[service]?.state == .drifted
            guard was != now else { continue }
            let reasons = new.drift?[service]?.reasons ?? []
            events.append(
                FleetEvent(
                    type: now ? "drift.detected" : "drift.resolved",
                    objectID: "\(id)/\(service)",
                    clusterID: id,
                    service: service,
                    state: now ? DriftReport.State.drifted.rawValue : DriftReport.State.inSync.rawValue,
                    summary: now
                        ? "\(service) on cluster \(id) drifted: \(reasons.first.map { String($0.prefix(200)) } ?? "")\(reasons.count > 1 ? " (+\(reasons.count - 1) more)" : "")"
                        : "\(service) on cluster \(id) is in sync again"
                )
            )
        }
        return events
    }

    static func provisionerHealth(_ url: String, healthy: Bool) -> FleetEvent {
        FleetEvent(
            type: healthy ? "provisioner.healthy" : "provisioner.unhealthy",
            objectID: url,
            state: healthy ? "healthy" : "unhealthy",
            summary: "provisioner \(url) is \(healthy ? "healthy" : "unhealthy")"
        )
    }
}
