import FleetAPI
import Foundation
import HelmDriver
import ServerSupport
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

@Suite("EKS cluster registration", .tags(.integration), .skippedInFastRuns)
struct EKSClusterTests {
    @Test("cluster register --eks-cluster/--eks-region registers it; bad names and regions are 400s naming the field")
    func register() async throws {
        let harness = try await CloudHarness(provisioners: 1)
        defer { harness.close() }

        let registered = try await harness.cli(["cluster", "register", "--name", "prod", "--eks-cluster", "prod-1", "--eks-region", "eu-west-1"])
        #expect(registered.status == 0, "\(registered.stderr)")
        #expect(try WireJSON.decoder().decode(Cluster.self, from: Data(registered.stdout.utf8)).name == "prod")

        let dryRun = try await harness.cli([
            "cluster", "register", "--name", "x", "--eks-cluster", "prod-1", "--eks-region", "eu-west-1", "--dry-run",
        ])
        #expect(dryRun.stdout.contains("\"EKS\"") && dryRun.stdout.contains("\"Region\" : \"eu-west-1\""))
        let missingRegion = try await harness.cli(["cluster", "register", "--name", "x", "--eks-cluster", "prod-1"])
        #expect(missingRegion.status != 0 && missingRegion.stderr.contains("--eks-region"))
        let twoSources = try await harness.cli([
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

    @Test("a deployment to an EKS cluster reaches a provisioner, which describes the cluster with its own credentials")
    func deploymentThroughProvisioner() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let environment = [
            "AWS_ACCESS_KEY_ID": "AKIAFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": moto.url,
        ]
        let harness = try await CloudHarness(provisioners: 1, environment: environment)
        defer { harness.close() }
        let aws = AWSClient(configuration: AWSConfiguration(environment: environment), logger: Testbed.logger)
        _ = try await AWSFixtures.createEKSCluster(aws, name: "prod-1")

        func deploy(toEKSCluster name: String) async throws -> Deployment {
            let cluster = try await harness.send(
                "POST",
                "/api/clusters",
                ["Name": .string(name), "KubeconfigSource": ["EKS": ["Cluster": .string(name), "Region": "us-east-1"]]]
            ).decode(Cluster.self)
            return try await harness.waitFor(try await harness.createDeployment(cluster.id, "nginx").id)
        }

        let missing = try await deploy(toEKSCluster: "nope")
        #expect(missing.state == .failed)
        #expect(missing.error?.contains("no EKS cluster \"nope\" in us-east-1") == true, "\(missing.error ?? "")")
        // moto's CA is random text, not PEM: helm stops at it, which shows the kubeconfig helm got
        // was built from DescribeCluster.
        let described = try await deploy(toEKSCluster: "prod-1")
        #expect(described.state == .failed)
        #expect(described.error?.contains("EKS cluster") == false, "\(described.error ?? "")")
        #expect(described.log.joined().contains("unable to load root certificates"), "\(described.log)")
    }
}
