import FleetAPI
import Foundation
import HelmDriver
import Logging
import TestSupport
import Testing

@testable import provisioner

/// A deployment to an EKS cluster named by `KubeconfigSource.EKS`: the provisioner builds the
/// kubeconfig itself from DescribeCluster (moto) and a native token in a private token file.
/// moto's clusters have made-up endpoints, so nothing is installed; the tests stop at what helm
/// and the hooks are given.
@Suite("EKS deployments", .serialized, .tags(.integration), .skippedInFastRuns)
struct EKSDeployTests {
    static let environment = ["AWS_ACCESS_KEY_ID": "AKIAFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_REGION": "us-east-1"]

    struct Setup {
        let moto: LocalService
        let scratch: String
        let aws: AWSClient
        let deployer: HelmDeployer

        /// - Parameter helm: the helm executable (default: the testbed's).
        init(helm: String = Testbed.helm) async throws {
            moto = try await LocalService.moto()
            scratch = try Testbed.makeScratchDirectory()
            aws = AWSClient(
                configuration: AWSConfiguration(environment: EKSDeployTests.environment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }),
                retry: .init(maxAttempts: 2, baseDelay: .milliseconds(10)),
                logger: Testbed.logger
            )
            var configuration = Testbed.helmConfiguration(scratch: scratch)
            configuration.executable = helm
            deployer = HelmDeployer(
                releases: ReleaseManager(helm: HelmClient(configuration: configuration, logger: Testbed.logger), logger: Testbed.logger),
                chartDirectory: Testbed.charts,
                aws: aws,
                logger: Testbed.logger
            )
        }

        func close() {
            moto.stop()
            try? FileManager.default.removeItem(atPath: scratch)
        }

        func request(cluster: String, region: String = "us-east-1") -> DeploymentRequest {
            DeploymentRequest(
                clusterID: "c1",
                service: "nginx",
                action: .apply,
                chart: ChartRequest(version: "4.15.1"),
                kubeconfig: "",
                kubeconfigSource: KubeconfigSource(eks: .init(cluster: cluster, region: region))
            )
        }
    }

    @Test("helm and the hooks get the cluster's endpoint and CA, and a private token file that outlives neither")
    func contextFromDescribeCluster() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        let created = try await AWSFixtures.createEKSCluster(setup.aws, name: "prod-1")
        let eks = KubeconfigSource.EKSCluster(cluster: "prod-1", region: "us-east-1")

        let tokenFile = try await setup.deployer.access.withEKSContext(eks, request: setup.request(cluster: "prod-1"), deadline: .now + .seconds(30))
        {
            context in
            guard let tokenFile = context.kube.kubeconfig.credentials.bearerTokenFile else {
                Issue.record("the hooks' client has no token file")
                return ReleaseResult(outcome: .succeeded)
            }
            #expect(
                context.request.kubeconfig
                    == EKSKubeconfig.kubeconfig(
                        server: created.endpoint,
                        certificateAuthorityData: created.certificateAuthorityData,
                        tokenFile: tokenFile
                    ).normalized
            )
            #expect(context.kube.kubeconfig.server == created.endpoint)
            #expect(context.kube.kubeconfig.credentials.certificateAuthority == Data(base64Encoded: created.certificateAuthorityData))
            #expect((try? FileManager.default.attributesOfItem(atPath: tokenFile)[.posixPermissions] as? Int) == 0o600)
            let token = EKSTokenText((try? String(contentsOfFile: tokenFile, encoding: .utf8)) ?? "")
            #expect(token.url?.host == "127.0.0.1")
            #expect(token.query["Action"] == "GetCallerIdentity")
            #expect(token.query["X-Amz-SignedHeaders"] == "host;x-k8s-aws-id")
            return ReleaseResult(outcome: .succeeded, log: [tokenFile])
        }.log.first

        #expect(!FileManager.default.fileExists(atPath: try #require(tokenFile)), "the token file goes with the operation")
    }

    @Test("the kubeconfig helm runs with names the token file, which holds a token for the cluster")
    func helmSeesTheGeneratedKubeconfig() async throws {
        let capture = try Testbed.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: capture) }
        // Records what helm is given, then runs the real (testbed) helm.
        let wrapper = "\(capture)/helm"
        try """
        #!/bin/sh
        previous=""
        for argument in "$@"; do
          if [ "$previous" = "--kubeconfig" ]; then
            cp "$argument" "\(capture)/kubeconfig"
            token=$(sed -n 's/.*"tokenFile":"\\([^"]*\\)".*/\\1/p' "$argument")
            [ -n "$token" ] && cp "$token" "\(capture)/token" && echo "$token" > "\(capture)/token-path"
          fi
          previous="$argument"
        done
        exec "\(Testbed.helm)" "$@"
        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: wrapper)
        let setup = try await Setup(helm: wrapper)
        defer { setup.close() }
        let created = try await AWSFixtures.createEKSCluster(setup.aws, name: "prod-1")

        let result = await setup.deployer.run(setup.request(cluster: "prod-1"), service: Nginx(), timeout: .seconds(60))

        #expect(result.outcome != .succeeded, "moto's endpoint is made up")
        let kubeconfig = try String(contentsOfFile: "\(capture)/kubeconfig", encoding: .utf8)
        let tokenPath = try String(contentsOfFile: "\(capture)/token-path", encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(
            kubeconfig
                == EKSKubeconfig.kubeconfig(
                    server: created.endpoint,
                    certificateAuthorityData: created.certificateAuthorityData,
                    tokenFile: tokenPath
                ).normalized
        )
        #expect(!kubeconfig.contains("exec") && !kubeconfig.contains("k8s-aws-v1."), "the token is only in its file")
        let token = EKSTokenText(try String(contentsOfFile: "\(capture)/token", encoding: .utf8))
        #expect(token.query["X-Amz-Credential"]?.hasPrefix("AKIAFAKE/") == true)
        #expect(token.query["X-Amz-Credential"]?.hasSuffix("/us-east-1/sts/aws4_request") == true)
    }

    @Test("an unknown EKS cluster fails the deployment with an error naming it")
    func unknownCluster() async throws {
        let setup = try await Setup()
        defer { setup.close() }

        let result = await setup.deployer.run(setup.request(cluster: "nope", region: "eu-west-1"), service: Nginx(), timeout: .seconds(30))

        guard case .failed(let error) = result.outcome else {
            Issue.record("expected a failure, got \(result.outcome)")
            return
        }
        #expect(error.message.contains("no EKS cluster \"nope\" in eu-west-1"))
    }
}

/// An EKS token read back: its presigned URL and query.
struct EKSTokenText {
    let url: URLComponents?
    let query: [String: String]

    init(_ token: String) {
        var payload = token.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("k8s-aws-v1.".count)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        payload += String(repeating: "=", count: (4 - payload.count % 4) % 4)
        url = Data(base64Encoded: payload).flatMap { URLComponents(string: String(decoding: $0, as: UTF8.self)) }
        query = Dictionary((url?.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { $1 }
    }
}
