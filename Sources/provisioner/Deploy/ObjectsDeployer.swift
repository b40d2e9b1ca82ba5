import FleetAPI
import Foundation
import HelmDriver
import Logging

/// Deploys a service declared as Kubernetes objects an operator reconciles: renders them from the
/// service's values, applies them server-side as one set (field manager `cloud-provisioner`),
/// records the set in the cluster, waits until every object is done as its operator reports it
/// (`ObjectStatus`), and prunes what the set no longer declares. A delete removes exactly what the
/// record names, never a CustomResourceDefinition (that would delete every object of its kind).
struct ObjectsDeployer: Deployer {
    let kind = DeploymentStrategy.Kind.objects
    let access: ClusterAccess
    /// `ValuesFrom`, fetched and kept for a while.
    let referencedValues: ReferencedValues
    /// How often readiness, or a set another operation holds, is read while waiting for it.
    var pollInterval: Duration = .milliseconds(500)
    /// Added to an operation's timeout before its mark on a set is taken as abandoned: the clock
    /// difference allowed between instances, and the grace a stopping one has.
    let holdSlack: Duration
    static let fieldManager = "cloud-provisioner"

    init(access: ClusterAccess, referencedValues: ReferencedValues, holdSlack: Duration) {
        self.access = access
        self.referencedValues = referencedValues
        self.holdSlack = holdSlack
    }

    /// Beside the helm deployer: the same cluster access, referenced values and hold bound.
    init(beside helm: HelmDeployer) {
        let configuration = helm.releases.helm.configuration
        self.init(access: helm.access, referencedValues: helm.referencedValues, holdSlack: configuration.gracePeriod + configuration.maxClockSkew)
    }

    func run(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        timeout: Duration,
        events: DeploymentEvents,
        kubeconfig: Kubeconfig?
    ) async -> DeploymentResult {
        guard let objects = service.strategy.objects else {
            return DeploymentResult(failure: DeploymentFailure(.failed, step: "deploy", message: "\(service.name) is not deployed as objects"))
        }
        do {
            return try await access.withContext(for: request, parsed: kubeconfig, deadline: .now + timeout) { context in
                await referencedValues.run(context) { context in
                    let hold = ReleaseHold(
                        operationTimeout: timeout,
                        slack: holdSlack,
                        rollbackTimeout: timeout,
                        holderEnded: request.previousAttemptsEnded == true
                    )
                    let set = ObjectSet(deployer: self, context: context, service: service, declared: objects, events: events, hold: hold)
                    return await set.run()
                }
            }
        } catch {
            return DeploymentResult(failure: error)
        }
    }

    func check(_ checks: DriftChecks) async -> DriftCheckResults {
        let request = checks.contextRequest
        do {
            return try await access.withContext(for: request, parsed: checks.kubeconfig.parsed, deadline: .now + checks.timeout) { context in
                var results: [DriftCheckResults.Result] = []
                for release in checks.releases {
                    guard let objects = release.service.strategy.objects else {
                        results.append(
                            DriftCheckResults.Result(service: release.service.name, error: "\(release.service.name) is not deployed as objects")
                        )
                        continue
                    }
                    var context = context
                    context.request.service = release.service.name
                    context.request.chart = release.chart
                    let set = ObjectSet(
                        deployer: self,
                        context: context,
                        service: release.service,
                        declared: objects,
                        events: DeploymentEvents(),
                        hold: ReleaseHold(operationTimeout: checks.timeout, slack: holdSlack, rollbackTimeout: checks.timeout)
                    )
                    results.append(DriftCheckResults.Result(await set.check(), service: release.service.name))
                }
                return DriftCheckResults(results: results, kubernetesVersion: try? await context.kube.serverVersion())
            }
        } catch {
            return DriftCheckResults(results: checks.releases.map { DriftCheckResults.Result(service: $0.service.name, error: "\(error)") })
        }
    }

    /// One version: the declaration's.
    func versions(of service: any ThirdPartyService, refresh: Bool) async throws(DeploymentFailure) -> ChartVersions {
        guard let objects = service.strategy.objects else {
            throw DeploymentFailure(.failed, step: "versions", message: "\(service.name) is not deployed as objects")
        }
        return ChartVersions(service: service.name, chart: objects.name, source: "declared objects", versions: [objects.version])
    }
}
