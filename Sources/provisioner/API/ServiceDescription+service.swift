import FleetAPI
import HelmDriver

extension ServiceDescription {
    /// What `GET /api/services` says of a service, from its declaration.
    init(_ service: any ThirdPartyService, order: Int) {
        switch service.strategy {
        case .helm(let helm):
            self.init(
                name: service.name,
                chart: helm.chart.name,
                repository: helm.chart.repositoryURL,
                repositoryName: helm.chart.repositoryName,
                defaultVersion: helm.chart.defaultVersion,
                namespace: helm.release.namespace,
                release: helm.release.name,
                hookWaits: helm.hookWaits
            )
        case .objects(let objects):
            // No chart: the set is named like one, so versions read the same (`NAME-VERSION`).
            self.init(name: service.name, chart: objects.name, defaultVersion: objects.version, namespace: objects.namespace, release: objects.name)
        }
        defaultValues = service.defaultValues
        dependsOn = service.dependsOn
        strategy = service.strategy.kind.rawValue
        self.order = order
        conflictsWith = service.conflictsWith
    }
}
