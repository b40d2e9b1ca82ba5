import FleetAPI
import HelmDriver

/// The services this provisioner can deploy, by name.
struct ServiceCatalog: Sendable {
    private let services: [ServiceName: any ThirdPartyService]

    init(_ services: [any ThirdPartyService]) {
        self.services = Dictionary(services.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every service declared in this folder: `ServiceCatalog.declared` is generated at build time
    /// (Plugins/ServiceCatalogPlugin), so a new service file is all it takes.
    static var standard: ServiceCatalog {
        ServiceCatalog(declared)
    }

    subscript(name: ServiceName) -> (any ThirdPartyService)? { services[name] }

    var names: [ServiceName] { services.keys.sorted() }

    var all: [any ThirdPartyService] { names.compactMap { services[$0] } }

    /// The deploy order: each service after those it depends on, ties by name.
    var order: [ServiceName] {
        ServiceOrder.sorted(services.mapValues { Set($0.dependsOn) })
    }

    /// The services' own chart repositories, exactly: what requests may name by default.
    var repositoryPatterns: [RepositoryPattern] {
        all.compactMap { $0.strategy.helm.flatMap { try? RepositoryPattern($0.chart.repositoryURL) } }
    }
}
