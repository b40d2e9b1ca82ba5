import Foundation
import Internal
import TestSupport
import Testing
@testable import cloud

/// Clusters registered by EKS name and region: kept as a reference, checked on registration.
extension StoreTests {
    @Test("an EKS cluster is kept as its name and region", arguments: backends)
    func eksReference(_ backend: StoreBackend) async throws {
        let store = try await StoreDatabase.make(backend).open()
        let registered = cluster()
        let source = KubeconfigSource(eks: .init(cluster: "prod-1", region: "eu-west-1"))
        try await store.createCluster(registered, kubeconfig: .source(source))
        #expect(try await store.kubeconfig(ofCluster: registered.id) == .source(source))
    }
}

@Suite("EKS cluster registration")
struct EKSClusterTests {
    @Test("cluster register --eks-cluster/--eks-region registers it; bad names and regions are 400s naming the field")
    func register() async throws {
        let harness = try CloudHarness(provisioners: 1)
        defer { harness.close() }

        let registered = try harness.cli(["cluster", "register", "--name", "prod", "--eks-cluster", "prod-1", "--eks-region", "eu-west-1"])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(try JSONDecoder().decode(Cluster.self, from: Data(registered.stdout.utf8)).name == "prod")

        let dryRun = try harness.cli(["cluster", "register", "--name", "x", "--eks-cluster", "prod-1", "--eks-region", "eu-west-1", "--dry-run"])
        #expect(dryRun.stdout.contains("\"EKS\"") && dryRun.stdout.contains("\"Region\" : \"eu-west-1\""))
        let missingRegion = try harness.cli(["cluster", "register", "--name", "x", "--eks-cluster", "prod-1"])
        #expect(missingRegion.status != 0 && missingRegion.stderr.contains("--eks-region"))
        let twoSources = try harness.cli([
            "cluster", "register", "--name", "x", "--eks-cluster", "a", "--eks-region", "us-east-1", "--kubeconfig-secret", "s",
        ])
        #expect(twoSources.status != 0)

        for (source, field) in [
            (["Cluster": "-starts-with-dash", "Region": "us-east-1"], "KubeconfigSource.EKS.Cluster"),
            (["Cluster": String(repeating: "a", count: 101), "Region": "us-east-1"], "KubeconfigSource.EKS.Cluster"),
            (["Cluster": "prod", "Region": "169.254.169.254"], "KubeconfigSource.EKS.Region"),
            (["Cluster": "prod", "Region": ""], "KubeconfigSource.EKS.Region"),
        ] as [([String: String], String)] {
            let body: JSONValue = ["Name": "bad", "KubeconfigSource": ["EKS": .object(source.mapValues(JSONValue.string))]]
            let reply = try await harness.send("POST", "/api/clusters", body)
            #expect(reply.status == 400 && reply.error?.field == field, "\(source)")
        }
        #expect(try await harness.send("GET", "/api/clusters").decode([Cluster].self).count == 1)
    }
}
