import FleetAPI
import Foundation
import HTTPClient
import HelmDriver
import Logging
import TestSupport
import Testing

@testable import provisioner

/// `ValuesFrom` through the real provisioner: values kept in Secrets Manager and SSM Parameter
/// Store (moto_server) reach the chart at their paths, never the deployment's status or the logs,
/// and are kept in memory for the cache's lifetime.
@Suite("Values from AWS", .serialized, .tags(.integration), .skippedInFastRuns)
struct ValuesFromTests {
    static let password = "db-password-0001"
    static let apiToken = "api-token-value-0002"

    struct Setup {
        let moto: LocalService
        let harness: DeployHarness
        let aws: AWSClient
        var environment: [String: String] { PrometheusDNSTests.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 } }

        init() async throws {
            moto = try await LocalService.moto()
            harness = try await DeployHarness()
            aws = AWSClient(
                configuration: AWSConfiguration(environment: PrometheusDNSTests.awsEnvironment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }),
                logger: Logger(label: "test")
            )
            try await call(
                .secretsManager,
                "secretsmanager.CreateSecret",
                ["Name": "prod/db", "SecretString": "{\"password\": \"\(ValuesFromTests.password)\"}"]
            )
            // Overwrite: a put the client retried after a timeout on a loaded host must not meet its own first one.
            try await call(
                .ssm,
                "AmazonSSM.PutParameter",
                ["Name": "/prod/api-token", "Value": ValuesFromTests.apiToken, "Type": "SecureString", "Overwrite": true]
            )
        }

        func call(_ service: AWSService, _ target: String, _ body: [String: Any]) async throws {
            let response = try await aws.send(
                service,
                method: "POST",
                path: "/",
                headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)],
                body: try JSONSerialization.data(withJSONObject: body)
            )
            guard response.status == 200 else { throw ServerProcess.StartFailure(log: "\(target): \(response.status) \(response.text)") }
        }

        func request(_ references: [ValueReference]) -> DeploymentRequest {
            var request = harness.request("metrics-server")
            request.valuesFrom = references
            return request
        }

        /// The pod annotations the chart rendered onto the metrics-server Deployment.
        func annotations() async throws -> [String: String] {
            let text = try await harness.kubectl([
                "get", "deployment", "-n", "kube-system", "-l", "app.kubernetes.io/name=metrics-server", "-o", "json",
            ])
            struct List: Decodable {
                struct Item: Decodable {
                    struct Spec: Decodable {
                        struct Template: Decodable {
                            struct Metadata: Decodable { var annotations: [String: String]? }
                            var metadata: Metadata
                        }
                        var template: Template
                    }
                    var spec: Spec
                }
                var items: [Item]
            }
            return try JSONDecoder().decode(List.self, from: Data(text.utf8)).items.first?.spec.template.metadata.annotations ?? [:]
        }

        func close() {
            harness.close()
            moto.stop()
        }
    }

    static let references = [
        ValueReference(path: "podAnnotations.db-password", secretsManager: .init(secretID: "prod/db"), key: "password"),
        ValueReference(path: "podAnnotations.api-token", ssmParameter: .init(name: "/prod/api-token")),
    ]

    @Test("a secret's key and a SecureString parameter reach the chart at their paths, and nowhere else")
    func valuesReachTheChart() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        let server = try await setup.harness.startProvisioner(environment: setup.environment)
        defer { server.stop() }

        let accepted = try await server.post(setup.request(Self.references))
        let status = try await server.waitFor(try accepted.decode(DeploymentStatus.self).id)

        #expect(status.state == .succeeded, "\(status.error ?? "")")
        let annotations = try await setup.annotations()
        #expect(annotations["db-password"] == Self.password)
        #expect(annotations["api-token"] == Self.apiToken)
        let shown = try await server.request("GET", "/api/deployment/\(status.id)").text
        for secret in [Self.password, Self.apiToken] {
            #expect(!shown.contains(secret))
            #expect(!server.log.contains(secret))
        }
    }

    @Test("a fetched value is kept for the cache's lifetime; with --values-from-cache 0 a rotated secret is read at once")
    func cacheLifetime() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        let caching = try await setup.harness.startProvisioner(environment: setup.environment)
        defer { caching.stop() }
        let reference = [Self.references[0]]
        func deploy(on server: ServerProcess) async throws -> String? {
            let status = try await server.waitFor(try await server.post(setup.request(reference)).decode(DeploymentStatus.self).id)
            #expect(status.state == .succeeded, "\(status.error ?? "")")
            return try await setup.annotations()["db-password"]
        }
        #expect(try await deploy(on: caching) == Self.password)

        try await setup.call(
            .secretsManager,
            "secretsmanager.PutSecretValue",
            ["SecretId": "prod/db", "SecretString": "{\"password\": \"rotated-password-03\"}"]
        )

        #expect(try await deploy(on: caching) == Self.password, "read from the cache")
        let fresh = try await setup.harness.startProvisioner(["--values-from-cache", "0"], environment: setup.environment)
        defer { fresh.stop() }
        #expect(try await deploy(on: fresh) == "rotated-password-03")
    }

    @Test("a reference to a missing secret, or to a key the secret lacks, fails the deployment naming the reference")
    func missingSecret() async throws {
        let setup = try await Setup()
        defer { setup.close() }
        let server = try await setup.harness.startProvisioner(environment: setup.environment)
        defer { server.stop() }

        for (reference, mention) in [
            (ValueReference(path: "podAnnotations.x", secretsManager: .init(secretID: "nope")), "secretsmanager:nope"),
            (ValueReference(path: "podAnnotations.x", secretsManager: .init(secretID: "prod/db"), key: "user"), "secretsmanager:prod/db#user"),
        ] {
            let status = try await server.waitFor(try await server.post(setup.request([reference])).decode(DeploymentStatus.self).id)
            #expect(status.state == .failed)
            #expect(status.error?.contains(mention) == true, "\(status.error ?? "")")
            #expect(status.error?.contains(Self.password) == false)
        }
    }
}
