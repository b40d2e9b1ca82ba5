import FleetAPI
import Foundation
import Testing

@testable import cloud

/// What the cloud server learns from the provisioners' `GET /api/services`.
@Suite("Published services")
struct PublishedServicesTests {
    @Test("the union of what the provisioners publish: every service, with every prerequisite any of them names")
    func union() {
        let services = PublishedServices(union: [
            [ServiceDescription(name: "a"), ServiceDescription(name: "c", dependsOn: ["b"])],
            [ServiceDescription(name: "b"), ServiceDescription(name: "c", dependsOn: ["a"])],
        ])
        #expect(services.contains("a") && services.contains("b") && !services.contains("d"))
        #expect(services.dependsOn["c"] == ["a", "b"])
        #expect(services.order == ["a", "b", "c"])
    }

    @Test("names sort in provisioning order; a name no provisioner publishes goes last")
    func sorting() {
        let services = PublishedServices(union: [
            [
                ServiceDescription(name: "prometheus", dependsOn: ["nginx"]), ServiceDescription(name: "nginx"),
                ServiceDescription(name: "fluentbit"),
            ]
        ])
        #expect(services.sorted(["zz", "prometheus", "aa", "nginx"]) == ["nginx", "prometheus", "aa", "zz"])
    }

    @Test("a provisioner that publishes no DependsOn offers its services without prerequisites")
    func olderProvisioner() throws {
        let decoded = try WireJSON.decoder().decode([ServiceDescription].self, from: Data(#"[{"Name": "nginx", "Chart": "ingress-nginx"}]"#.utf8))
        #expect(decoded.map(\.name) == ["nginx"] && decoded[0].dependsOn.isEmpty && decoded[0].chart == "ingress-nginx")
    }
}

extension PublishedServicesTests {
    @Test("a conflict one provisioner declares on one side holds both ways")
    func conflictsBothWays() {
        let services = PublishedServices(union: [
            [ServiceDescription(name: "prometheus-stack", conflictsWith: ["prometheus"]), ServiceDescription(name: "prometheus")]
        ])

        #expect(services.conflicts == ["prometheus-stack": ["prometheus"], "prometheus": ["prometheus-stack"]])
    }
}
