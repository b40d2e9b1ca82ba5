import FleetAPI

/// The services all the provisioners offer together, with what each needs first: where the cloud
/// server learns which names exist, the order to provision in and each service's prerequisites.
struct PublishedServices: Sendable, Equatable {
    let dependsOn: [ServiceName: Set<ServiceName>]
    /// Both ways: a service conflicts with those it names and with those that name it.
    let conflicts: [ServiceName: Set<ServiceName>]
    /// Each service after those it depends on, ties by name.
    let order: [ServiceName]

    /// The union of what each provisioner publishes: a service one of them offers is offered, and
    /// it waits for everything any of them says it needs.
    init(union lists: some Sequence<[ServiceDescription]>) {
        var dependsOn: [ServiceName: Set<ServiceName>] = [:]
        var conflicts: [ServiceName: Set<ServiceName>] = [:]
        for service in lists.joined() {
            dependsOn[service.name, default: []].formUnion(service.dependsOn)
            for other in service.conflictsWith {
                conflicts[service.name, default: []].insert(other)
                conflicts[other, default: []].insert(service.name)
            }
        }
        self.dependsOn = dependsOn
        self.conflicts = conflicts
        order = ServiceOrder.sorted(dependsOn)
    }

    func contains(_ name: ServiceName) -> Bool { dependsOn[name] != nil }

    /// Names in provisioning order; a name no provisioner publishes goes last, by name.
    func sorted(_ names: some Sequence<ServiceName>) -> [ServiceName] {
        let rank = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($1, $0) })
        return names.sorted { (rank[$0] ?? order.count, $0) < (rank[$1] ?? order.count, $1) }
    }
}
