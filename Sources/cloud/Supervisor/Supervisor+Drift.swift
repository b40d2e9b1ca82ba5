import FleetAPI
import Foundation
import Logging
import ServerSupport
import Telemetry
import Tracing

extension Supervisor {
    /// Checks each utility the cluster runs (an actual version is recorded), or those of `only`,
    /// against what was last applied: the chart version and the revision its last successful apply
    /// made. One request to a provisioner checks them all. Stores and returns the results; a check
    /// no provisioner answered is left out (and logged).
    @discardableResult
    func checkDrift(of clusterID: String, only services: Set<ServiceName>? = nil) async throws -> [String: DriftStatus] {
        try await tracer.withSpan("drift check") { span in
            span.attributes["cloud.cluster"] = clusterID
            let results = try await checkDriftNow(of: clusterID, only: services)
            span.attributes["cloud.drifted"] = Int64(results.values.count { $0.state != .inSync })
            return results
        }
    }

    private func checkDriftNow(of clusterID: String, only services: Set<ServiceName>?) async throws -> [String: DriftStatus] {
        guard let cluster = try await store.cluster(clusterID) else { throw StoreError.notFound("cluster \(clusterID)") }
        let versions = cluster.utilities.actualVersions.compactMap { name, version in
            version.map { (service: ServiceName(name), chart: $0.chart) }
        }.filter { services?.contains($0.service) ?? true }.sorted { $0.service < $1.service }
        guard !versions.isEmpty else { return [:] }
        let applied = try await store.lastApplied(cluster: clusterID, services: versions.map(\.service))
        let releases = versions.map {
            DriftCheckRequest.Release(
                service: $0.service,
                chart: ChartRequest(version: $0.chart),
                expectedRevision: applied[$0.service]?.release?.revision
            )
        }
        let started = ContinuousClock.now
        let (findings, version) = await checkDrift(cluster, releases)
        metrics?.driftChecked(
            states: findings.values.map { $0.status.state == .inSync ? "in-sync" : "drifted" }
                + Array(repeating: "unanswered", count: max(0, releases.count - findings.count)),
            took: .now - started
        )
        // Written only when it changed: the drift monitor checks the whole fleet every interval.
        if let version, version != cluster.kubernetesVersion { try await record(version, of: clusterID) }
        guard !findings.isEmpty else { return [:] }
        let results = findings.mapValues(\.status)
        try await store.updateUtilities(ofCluster: clusterID) { utilities in
            utilities.drift = (utilities.drift ?? [:]).merging(results) { $1 }
            // The release is the truth: a newer revision than the record's, or another
            // installation (an upgrade or a reinstall by hand), corrects it; the check has said so already.
            for (service, finding) in findings {
                if let release = finding.release { utilities.recordDeployed(ServiceName(service), release: release) }
            }
        }
        return results
    }

    /// Asks a provisioner for the cluster's Kubernetes version and records it; nil when no
    /// provisioner or the cluster answered.
    /// - Parameter wakeProfiles: false when no profile that selects the cluster reads its version.
    @discardableResult
    func readKubernetesVersion(of clusterID: String, wakeProfiles: Bool = true) async throws -> String? {
        guard let cluster = try await store.cluster(clusterID) else { throw StoreError.notFound("cluster \(clusterID)") }
        guard let version = await checkDrift(cluster, []).version else { return nil }
        try await record(version, of: clusterID, wakeProfiles: wakeProfiles)
        return version
    }

    /// A changed version wakes the profiles: it may pick other chart versions.
    private func record(_ version: String, of clusterID: String, wakeProfiles: Bool = true) async throws {
        if try await store.recordKubernetesVersion(ofCluster: clusterID, version) {
            logger.info("cluster's Kubernetes version read", metadata: ["cluster": "\(clusterID)", "version": "\(version)"])
            if wakeProfiles { profileChanges.wake() }
        }
    }

    /// A utility's check: what it found, and the release it found.
    private struct Finding {
        var status: DriftStatus
        var release: ReleaseInfo?
    }

    /// The releases' findings, and the cluster's version when the provisioner said it. With no
    /// releases, only the version is asked.
    private func checkDrift(_ cluster: Cluster, _ releases: [DriftCheckRequest.Release]) async -> (findings: [String: Finding], version: String?) {
        let now = lifecycle.clock.millisecondsSince1970
        do {
            let prepared: DeploymentRequest
            let question = DeploymentRequest(clusterID: cluster.id, service: releases.first?.service ?? "cluster", action: .check, kubeconfig: "")
            switch try await request(question, on: cluster) {
            case .ready(let ready): prepared = ready
            case .clusterGone: return ([:], nil)
            case .kubeconfigRefused(let reason):
                let refused = DriftStatus(state: .drifted, reasons: ["the cluster's kubeconfig is refused: \(reason)"], checkedAt: now)
                return (Dictionary(uniqueKeysWithValues: releases.map { ($0.service.rawValue, Finding(status: refused)) }), nil)
            }
            guard let client = pool.anyReady() else { throw Unanswered(reason: "no ready provisioner") }
            let checks = DriftCheckRequest(
                clusterID: cluster.id,
                kubeconfig: prepared.kubeconfig,
                kubeconfigSource: prepared.kubeconfigSource,
                releases: releases,
                timeoutSeconds: Self.checkTimeoutSeconds
            )
            guard let answer = try await client.check(checks) else {
                return (await checkOneByOne(prepared, releases, at: now), nil)
            }
            var results: [String: Finding] = [:]
            for result in answer.results {
                guard let drift = result.drift else {
                    unanswered(cluster: cluster.id, service: result.service, reason: result.error ?? "no answer")
                    continue
                }
                let status = DriftStatus(state: drift.state, reasons: drift.reasons, checkedAt: now)
                results[result.service.rawValue] = Finding(status: status, release: result.release)
            }
            return (results, answer.kubernetesVersion)
        } catch {
            for release in releases { unanswered(cluster: cluster.id, service: release.service, reason: "\(error)") }
            return ([:], nil)
        }
    }

    /// A provisioner without `/api/checks` (an older version, during a rolling upgrade) checks a
    /// release as a check deployment, one at a time.
    private func checkOneByOne(
        _ prepared: DeploymentRequest,
        _ releases: [DriftCheckRequest.Release],
        at now: Int64
    ) async -> [String: Finding] {
        var results: [String: Finding] = [:]
        for release in releases {
            var question = prepared
            question.service = release.service
            question.chart = release.chart
            question.expectedRevision = release.expectedRevision
            do {
                guard case .answered(let status) = try await ask(question, timeoutSeconds: Self.checkTimeoutSeconds) else { continue }
                guard status.state == .succeeded, let drift = status.drift else {
                    throw Unanswered(reason: "the check \(status.state.rawValue): \(status.error ?? "no answer")")
                }
                let found = DriftStatus(state: drift.state, reasons: drift.reasons, checkedAt: now)
                results[release.service.rawValue] = Finding(status: found, release: status.release)
            } catch {
                unanswered(cluster: prepared.clusterID, service: release.service, reason: "\(error)")
            }
        }
        return results
    }

    private func unanswered(cluster: String, service: ServiceName, reason: String) {
        logger.warning("cannot check a utility for drift", metadata: ["cluster": "\(cluster)", "service": "\(service)", "error": "\(reason)"])
    }

    static let checkTimeoutSeconds = 60
}
