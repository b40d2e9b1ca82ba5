import FleetAPI
import Foundation
import HelmDriver
import Logging
import TestSupport
import Testing

@testable import provisioner

/// Prometheus's private DNS name and kubeconfigs kept in AWS, through the real provisioner, with the
/// testbed for Kubernetes and moto_server for AWS.
@Suite("Prometheus DNS and kubeconfig sources", .serialized, .tags(.integration), .skippedInFastRuns)
struct PrometheusDNSTests {
    static let awsEnvironment = ["AWS_ACCESS_KEY_ID": "AKIAFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_REGION": "us-east-1"]

    func aws(_ moto: LocalService) -> AWSClient {
        AWSClient(
            configuration: AWSConfiguration(environment: Self.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }),
            logger: Logger(label: "test")
        )
    }

    @Test("the NGINX controller's load balancer hostname is read from the cluster")
    func loadBalancerHostname() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        #expect(await harness.deploy(harness.request("nginx")).outcome == .succeeded)

        let kube = KubeClient(kubeconfig: try Kubeconfig(parsing: harness.emulator.kubeconfig, policy: .testbed))
        let address = try await kube.waitForLoadBalancerAddress(namespace: "nginx", service: Nginx().controllerService, timeout: .seconds(30))
        #expect(address.hasPrefix("nginx-ingress-nginx-controller-nginx."))
        await #expect(throws: KubeClient.Failure.self) { try await kube.loadBalancerAddress(namespace: "nginx", service: "absent") }
    }

    @Test(
        "applying Prometheus registers its CNAME at the NGINX load balancer, with an Ingress for that host; deleting it removes the record",
        arguments: ["prometheus", "prometheus-stack"] as [ServiceName]
    )
    func prometheusRecord(_ service: ServiceName) async throws {
        let moto = try await LocalService.moto()
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner(
            ["--allowed-dns-zone", "internal.example.com"],
            environment: Self.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }
        )
        defer {
            server.stop()
            harness.close()
            moto.stop()
        }
        let aws = aws(moto)
        let route53 = Route53(client: aws)
        let zone = try await AWSFixtures.createPrivateZone(aws, domain: "internal.example.com")
        let dns = DNSConfig(privateDomain: "internal.example.com")
        // A domain-only request's zone is the one named exactly so: an allowed subdomain without a
        // zone of its own never lands in a neighbouring or parent zone.
        await #expect(throws: AWSError.self) { try await route53.privateZoneID(forDomain: "sub.internal.example.com") }

        if service == "prometheus-stack" {
            try await ObjectsDeployerTests.applyCRDs(harness)
        }
        let nginx = try await server.post(harness.request("nginx")).decode(DeploymentStatus.self)
        #expect(try await server.waitFor(nginx.id).state == .succeeded)
        let applied = try await server.post(harness.request(service, dns: dns)).decode(DeploymentStatus.self)
        let done = try await server.waitFor(applied.id)
        let hosts = try await harness.kubectl(["get", "ingress", "-A", "-o", "jsonpath={.items[*].spec.rules[*].host}"])
        #expect(hosts == "cluster1.prometheus.internal.example.com")

        #expect(done.state == .succeeded, "\(done.error ?? "")")
        let record = try await route53.cname(zoneID: zone, name: "cluster1.prometheus.internal.example.com")
        #expect(record?.target.hasPrefix("nginx-ingress-nginx-controller-nginx.") == true)
        #expect(done.log.contains { $0.hasPrefix("DNS: cluster1.prometheus.internal.example.com CNAME") })

        let deleted = try await server.post(harness.request(service, .delete, dns: dns)).decode(DeploymentStatus.self)
        #expect(try await server.waitFor(deleted.id).state == .succeeded)
        #expect(try await route53.cname(zoneID: zone, name: "cluster1.prometheus.internal.example.com") == nil)
    }

    @Test("a deployment without DNS settings skips the record and says so")
    func noDNS() async throws {
        let harness = try await DeployHarness()
        defer { harness.close() }
        let result = await harness.deploy(harness.request("prometheus"))
        #expect(result.outcome == .succeeded)
        #expect(result.details.log.contains("DNS: the request has no DNS settings; no record registered"))
    }

    @Test("kubeconfigs are fetched from S3 or Secrets Manager; a missing one fails naming its source")
    func kubeconfigSources() async throws {
        let moto = try await LocalService.moto()
        let harness = try await DeployHarness()
        let server = try await harness.startProvisioner(environment: Self.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 })
        defer {
            server.stop()
            harness.close()
            moto.stop()
        }
        let aws = aws(moto)
        _ = try await aws.send(.s3, method: "PUT", path: "/kubeconfigs")
        _ = try await aws.send(.s3, method: "PUT", path: "/kubeconfigs/cluster1", body: Data(harness.emulator.kubeconfig.utf8))
        _ = try await aws.send(
            .secretsManager,
            method: "POST",
            path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "secretsmanager.CreateSecret")],
            body: try JSONSerialization.data(withJSONObject: ["Name": "cluster1-kubeconfig", "SecretString": harness.emulator.kubeconfig])
        )

        func deploy(_ service: ServiceName, _ source: KubeconfigSource) async throws -> DeploymentStatus {
            var request = harness.request(service)
            request.kubeconfig = ""
            request.kubeconfigSource = source
            let id = try await server.post(request).decode(DeploymentStatus.self).id
            return try await server.waitFor(id)
        }

        #expect(try await deploy("nginx", KubeconfigSource(s3: .init(bucket: "kubeconfigs", key: "cluster1"))).state == .succeeded)
        #expect(try await deploy("fluentbit", KubeconfigSource(secretsManager: .init(secretID: "cluster1-kubeconfig"))).state == .succeeded)
        let missing = try await deploy("prometheus", KubeconfigSource(s3: .init(bucket: "kubeconfigs", key: "nope")))
        #expect(missing.state == .failed)
        #expect(missing.error?.contains("s3://kubeconfigs/nope") == true)

        // A stored kubeconfig is checked like one in a request: its exec plugin never reaches helm.
        let exec = harness.emulator.kubeconfig.replacingOccurrences(
            of: "    token: testbed",
            with: "    exec: {apiVersion: client.authentication.k8s.io/v1, command: /bin/sh}"
        )
        _ = try await aws.send(.s3, method: "PUT", path: "/kubeconfigs/exec", body: Data(exec.utf8))
        let refused = try await deploy("prometheus", KubeconfigSource(s3: .init(bucket: "kubeconfigs", key: "exec")))
        #expect(refused.state == .failed)
        #expect(refused.error?.contains("users[testbed].user.exec is refused") == true, "\(refused.error ?? "")")
    }
}
