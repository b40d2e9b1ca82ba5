import FleetAPI
import HelmDriver

extension HelmDeployer {
    /// From the chart directory when there is one, else from the repository's index as helm
    /// cached it: the versions `helm upgrade --version` would find.
    func versions(of service: any ThirdPartyService, refresh: Bool) async throws(DeploymentFailure) -> ChartVersions {
        guard let chart = service.strategy.helm?.chart else {
            throw DeploymentFailure(.failed, step: "chart versions", message: "\(service.name) is not deployed with helm")
        }
        if let versions = locator.versions(of: chart) {
            return ChartVersions(service: service.name, chart: chart.name, source: "chart directory", versions: versions)
        }
        do {
            try await repositories.ensure(name: chart.repositoryName, url: chart.repositoryURL)
            if refresh { _ = await repositories.refresh(name: chart.repositoryName) }
            let versions = try await repositories.versions(of: chart.name, repository: chart.repositoryName)
            return ChartVersions(service: service.name, chart: chart.name, source: chart.repositoryURL, versions: versions)
        } catch {
            throw (error as? HelmError).map(DeploymentFailure.init)
                ?? DeploymentFailure(.chartNotFound, step: "chart repository", message: "\(error)")
        }
    }
}
