import FleetAPI

@testable import provisioner

extension ThirdPartyService {
    /// Its chart and release, for a test about a service it knows is deployed with helm.
    var helm: HelmRelease {
        guard let helm = strategy.helm else { fatalError("\(name) is not deployed with helm") }
        return helm
    }
}

extension ServiceCatalog {
    /// The services deployed with helm, whose charts tests compare with upstream.
    var helmServices: [any ThirdPartyService] { all.filter { $0.strategy.helm != nil } }
    var helmNames: [ServiceName] { helmServices.map(\.name) }
}
