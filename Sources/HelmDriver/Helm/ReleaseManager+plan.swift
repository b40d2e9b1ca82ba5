public import FleetAPI
import Foundation

extension ReleaseManager {
    /// What `apply(spec)` would change, changing nothing: the release's stored manifest (`helm get
    /// manifest`) and values (`helm get values`) against a server-side dry run of the upgrade
    /// (`helm upgrade --install --dry-run=server`: rendered against the cluster, every object
    /// validated by the API server with `dryRun=All`, nothing stored).
    public func plan(
        _ spec: ReleaseSpec,
        kubeconfig: Kubeconfig,
        deadline: ContinuousClock.Instant,
        events: ReleaseEvents = ReleaseEvents()
    ) async -> ReleaseResult {
        await withSession(kubeconfig: kubeconfig, events: events) { session, workspace in
            do {
                let valuesFiles = try spec.values.enumerated().map { index, document in
                    try workspace.write("values-\(index)-\(document.name)", document.contents)
                }
                let latest = try await session.history(spec.release, max: 1).last
                var currentManifest = ""
                var currentValues = JSONValue.object([:])
                if let latest, latest.status != .uninstalled {
                    currentManifest = try await session.run(HelmArguments.getManifest(spec.release), deadline: deadline)
                    let values = try await session.run(HelmArguments.getValues(spec.release), deadline: deadline)
                    currentValues = Self.values(values)
                }
                let arguments = HelmArguments.upgradeInstallDryRun(
                    spec.release,
                    chart: spec.chart,
                    version: spec.version,
                    valuesFiles: valuesFiles,
                    timeout: HelmTimeout.forHelm(until: deadline)
                )
                let output = try await session.run(arguments, deadline: deadline)
                guard let planned = try? JSONDecoder().decode(PlannedRelease.self, from: Data(output.utf8)) else {
                    throw HelmError(kind: .unreadableOutput, command: "upgrade --dry-run=server", message: "not a release document")
                }
                var result = ReleaseResult(outcome: .succeeded, release: latest.map { ReleaseInfo(spec.release, latest: $0) })
                result.plan = ReleasePlan(
                    current: try ManifestObjects(manifest: currentManifest, namespace: spec.release.namespace),
                    planned: try ManifestObjects(manifest: planned.manifest, namespace: spec.release.namespace),
                    currentChart: latest?.status == .uninstalled ? nil : latest?.chart,
                    plannedChart: "\(planned.chart.metadata.name)-\(planned.chart.metadata.version)",
                    valuesChanged: (planned.config ?? .object([:])) != currentValues
                )
                return result
            } catch let error as HelmError {
                return ReleaseResult(stoppedBy: error)
            } catch {
                return ReleaseResult(outcome: .failed(HelmError(kind: .unreadableOutput, command: "plan", message: "\(error)")))
            }
        }
    }

    /// `helm get values -o json` prints `null` for a release installed without values.
    private static func values(_ output: String) -> JSONValue {
        let value = (try? JSONDecoder().decode(JSONValue.self, from: Data(output.utf8))) ?? .null
        return value == .null ? .object([:]) : value
    }
}

/// The part of a dry run's release document a plan reads.
private struct PlannedRelease: Decodable {
    struct Chart: Decodable {
        struct Metadata: Decodable {
            var name: String
            var version: String
        }
        var metadata: Metadata
    }
    var manifest: String
    var chart: Chart
    var config: JSONValue?
}
