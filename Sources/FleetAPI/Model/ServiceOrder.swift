/// The order to deploy services in, from what each needs first: every service after the ones it
/// depends on, ties by name, so the same declarations always give the same order. The provisioner
/// publishes it; the cloud server computes it again over what all its provisioners publish.
public enum ServiceOrder {
    /// - Parameter dependsOn: each service with the services it needs first. A named dependency
    ///   that is not a key is ignored (nothing here can deploy it); services in a cycle follow the
    ///   others, by name, rather than being dropped.
    public static func sorted(_ dependsOn: [ServiceName: Set<ServiceName>]) -> [ServiceName] {
        var waiting = dependsOn.mapValues { $0.filter { dependsOn[$0] != nil } }
        var order: [ServiceName] = []
        while !waiting.isEmpty {
            let ready = waiting.filter { $0.value.isEmpty }.keys
            guard let next = ready.min() ?? waiting.keys.min() else { break }
            order.append(next)
            waiting[next] = nil
            for name in waiting.keys { waiting[name]?.remove(next) }
        }
        return order
    }
}
