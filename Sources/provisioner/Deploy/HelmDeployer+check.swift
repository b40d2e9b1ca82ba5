import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// Each release of `checks` checked as a check deployment would be, on one context: the
    /// kubeconfig read (fetched, or made for EKS) once and one connection to the cluster for all,
    /// which also reads the cluster's version.
    func check(_ checks: DriftChecks) async -> DriftCheckResults {
        let deadline = ContinuousClock.now + checks.timeout
        let request = checks.contextRequest
        func failed(_ error: String) -> DriftCheckResults {
            DriftCheckResults(results: checks.releases.map { DriftCheckResults.Result(service: $0.service.name, error: error) })
        }
        // Only helm services are handed to this deployer (`CheckRoutes` groups them by strategy).
        let helmReleases = checks.releases.compactMap { $0.service.strategy.helm?.release }
        guard helmReleases.count == checks.releases.count else {
            return DriftCheckResults(
                results: checks.releases.map {
                    DriftCheckResults.Result(service: $0.service.name, error: "\($0.service.name) is not deployed with helm")
                }
            )
        }
        do {
            return try await access.withContext(for: request, parsed: checks.kubeconfig.parsed, deadline: deadline) { context in
                guard !helmReleases.isEmpty else { return DriftCheckResults(results: [], kubernetesVersion: try? await context.kube.serverVersion()) }
                // Every release's newest revision, then every remembered release's objects, read
                // together: the checks of a cluster nobody changed cost a few lists.
                let starts: [CheckStart]
                do {
                    starts = try await start(helmReleases, kube: context.kube)
                } catch {
                    return failed(DeploymentFailure(.clusterUnreachable, step: "check", message: "\(error)").description)
                }
                // Asked only of a cluster that answered: one that does not must not cost a second timeout.
                let version = try? await context.kube.serverVersion()
                var results: [DriftCheckResults.Result] = []
                for ((release, helmRelease), start) in zip(zip(checks.releases, helmReleases), starts) {
                    guard ContinuousClock.now < deadline else {
                        results.append(DriftCheckResults.Result(DeploymentResult(outcome: .deadlineExceeded), service: release.service.name))
                        continue
                    }
                    var context = context
                    context.request.service = release.service.name
                    context.request.chart = release.chart
                    context.request.expectedRevision = release.expectedRevision
                    let result = await check(context, release: helmRelease, start: start)
                    results.append(DriftCheckResults.Result(result, service: release.service.name))
                }
                return DriftCheckResults(results: results, kubernetesVersion: version)
            }
        } catch {
            return failed("\(error)")
        }
    }

    /// Whether the release is still what the client last applied (`Chart.Version`, and
    /// `ExpectedRevision` when given), and its live objects still what its manifest says. Drift is
    /// a finding, not a failure: the check succeeds with `Drift` saying what it found.
    ///
    /// It starts no helm process: the release is read from Helm's storage Secret and the objects
    /// from the API, so a fleet's periodic checks cost requests, not processes.
    /// - Parameter start: what was read of the release before, with other releases of the cluster;
    ///   nil to read it here.
    func check(_ context: DeploymentContext, release: ReleaseRef, start: CheckStart? = nil) async -> DeploymentResult {
        let server = context.kube.kubeconfig.server
        var secret: HelmReleaseSecret?
        let stored: StoredRelease?
        let remembered: DriftMemory.Entry?
        do {
            // The latest revision's Secret by its metadata first: when it is the one found in sync
            // before and so is every object, the release itself is not read again.
            var found = start
            if found == nil { found = try await self.start([release], kube: context.kube)[0] }
            remembered = found?.remembered
            if remembered == nil, let revision = found?.revision {
                secret = try await context.kube.helmReleaseSecret(revision)
            }
            stored = try remembered?.stored ?? secret?.decode()
        } catch {
            return DeploymentResult(failure: DeploymentFailure(.clusterUnreachable, step: "check", message: "\(error)"))
        }
        var result = DeploymentResult(ReleaseResult(outcome: .succeeded, release: stored?.info))
        var reasons: [String] = []
        if let stored, stored.info.status != .uninstalled {
            let latest = stored.info
            if latest.status != .deployed {
                reasons.append("release \(release) is \(latest.status.rawValue) (revision \(latest.revision))")
            }
            if let expected = context.request.expectedRevision, latest.revision != expected {
                reasons.append("release \(release) is at revision \(latest.revision), not \(expected): changed by someone else (upgrade or rollback)")
            }
            if let version = context.request.chart?.version, !latest.chart.hasSuffix("-\(version)") {
                reasons.append("release \(release) runs chart \(latest.chart), not version \(version)")
            }
            // The same stored revision and every object at the version compared in sync before:
            // nothing to compare again.
            if remembered == nil, let secret {
                do {
                    let findings = try await context.kube.driftFindings(ofManifest: stored.manifest, namespace: release.namespace)
                    reasons += findings.reasons
                    var kept = stored
                    kept.manifest = ""  // the objects' versions stand for it
                    driftMemory.record(
                        server: server,
                        revision: secret.revision,
                        entry: findings.reasons.isEmpty ? DriftMemory.Entry(stored: kept, compared: findings.compared) : nil
                    )
                } catch {
                    result.outcome = .failed(DeploymentFailure(.clusterUnreachable, step: "check", message: "\(error)"))
                    return result
                }
            }
        } else {
            reasons.append("release \(release) is not installed")
        }
        result.details.drift = DriftReport(reasons: reasons)
        result.details.log.append(reasons.isEmpty ? "in sync" : "drifted: \(reasons.count) finding(s)")
        return result
    }

    /// What a check learns before comparing anything: the release's newest stored revision and,
    /// when that is the revision found in sync before and every object is still the version then
    /// compared, what that check remembered.
    struct CheckStart: Sendable {
        var revision: HelmReleaseRevision?
        var remembered: DriftMemory.Entry?
    }

    /// `CheckStart` of each release: their revisions, then every remembered release's objects,
    /// each read together.
    func start(_ releases: [ReleaseRef], kube: KubeClient) async throws -> [CheckStart] {
        let server = kube.kubeconfig.server
        let revisions = try await kube.latestHelmRevisions(releases)
        var entries: [Int: DriftMemory.Entry] = [:]
        for (index, revision) in revisions.enumerated() {
            if let revision, let entry = driftMemory.entry(server: server, revision: revision) { entries[index] = entry }
        }
        let unchanged = try await kube.unchanged(
            entries.reduce(into: [Int: KubeClient.ComparedRelease]()) { sets, entry in
                sets[entry.key] = KubeClient.ComparedRelease(objects: entry.value.compared, instance: releases[entry.key].name)
            }
        )
        return revisions.enumerated().map { index, revision in
            CheckStart(revision: revision, remembered: unchanged.contains(index) ? entries[index] : nil)
        }
    }
}
