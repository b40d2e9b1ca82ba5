import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// What an apply of the request would change on the cluster, changing nothing: the same chart
    /// and values an apply would use, through a server-side dry run (see `ReleaseManager.plan`).
    func plan(
        _ request: DeploymentRequest,
        service: any ThirdPartyService,
        helm: HelmRelease,
        _ bounds: RunBounds,
        context: DeploymentContext
    ) async -> DeploymentResult {
        let spec: ReleaseSpec
        let pulled: PulledChart
        do {
            (spec, pulled) = try await releaseSpec(
                request,
                service: service,
                helm: helm,
                chart: Self.chart(helm.chart, requested: request.chart?.repository),
                deadline: bounds.deadline
            )
        } catch {
            return DeploymentResult(failure: error)
        }
        var result = DeploymentResult(
            await releases.plan(spec, kubeconfig: context.kube.kubeconfig, deadline: bounds.deadline, events: bounds.events)
        )
        result.details.pulledChart = pulled
        return result
    }
}
