import FleetAPI
import Testing

@Suite("Service deploy order")
struct ServiceOrderTests {
    @Test("a service comes after what it depends on, the rest by name")
    func dependenciesFirst() {
        let order = ServiceOrder.sorted(["prometheus": ["nginx"], "nginx": [], "fluentbit": [], "alpha": ["prometheus"]])
        #expect(order == ["fluentbit", "nginx", "prometheus", "alpha"])
    }

    @Test("the same declarations give the same order whatever order they come in")
    func stable() {
        let forward: [ServiceName: Set<ServiceName>] = ["b": ["a"], "a": [], "c": [], "d": ["a", "c"]]
        let shuffled = Dictionary(uniqueKeysWithValues: forward.reversed().map { ($0.key, $0.value) })
        #expect(ServiceOrder.sorted(forward) == ["a", "b", "c", "d"])
        #expect(ServiceOrder.sorted(shuffled) == ServiceOrder.sorted(forward))
    }

    @Test("a dependency nothing declares is ignored, and a cycle still yields every service")
    func unknownAndCycles() {
        #expect(ServiceOrder.sorted(["b": ["missing"], "a": ["b"]]) == ["b", "a"])
        #expect(ServiceOrder.sorted(["x": ["y"], "y": ["x"], "a": []]) == ["a", "x", "y"])
    }
}
