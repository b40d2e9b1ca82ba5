import Foundation
import Logging
import TestSupport
import Testing

@testable import HTTPClient
@testable import HelmDriver

/// The AWS client against moto_server on loopback, with fake credentials and real SigV4.
@Suite("AWS over libcurl against moto", .serialized, .tags(.integration), .skippedInFastRuns)
struct AWSTests {
    static let fakeCredentials = ["AWS_ACCESS_KEY_ID": "AKIAFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_REGION": "us-east-1"]

    func client(_ moto: LocalService, environment: [String: String] = fakeCredentials) -> AWSClient {
        AWSClient(
            configuration: AWSConfiguration(environment: environment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }),
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(10)),
            logger: Logger(label: "test")
        )
    }

    @Test("finds a private zone by domain, upserts a CNAME idempotently, waits for INSYNC, deletes it twice")
    func route53CNAME() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let client = client(moto)
        let route53 = Route53(client: client)
        let created = try await AWSFixtures.createPrivateZone(client, domain: "internal.example.com")

        let zone = try await route53.privateZoneID(forDomain: "internal.example.com")
        #expect(zone == created)

        let name = "c1.prometheus.internal.example.com"
        let change = try await route53.upsertCNAME(zoneID: zone, name: name, target: "lb-1.elb.amazonaws.com")
        try await route53.upsertCNAME(zoneID: zone, name: name, target: "lb-2.elb.amazonaws.com")
        try await route53.waitForInSync(changeID: change, timeout: .seconds(10))
        #expect(try await route53.cname(zoneID: zone, name: name)?.target == "lb-2.elb.amazonaws.com")

        #expect(try await route53.deleteCNAME(zoneID: zone, name: name) != nil)
        #expect(try await route53.cname(zoneID: zone, name: name) == nil)
        #expect(try await route53.deleteCNAME(zoneID: zone, name: name) == nil, "deleting a missing record is success")
    }

    @Test("a domain without a private zone is a clear error")
    func missingZone() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        await #expect(
            throws: AWSError(service: "route53", status: 404, code: "NoSuchHostedZone", message: "no private hosted zone for nowhere.example")
        ) {
            try await Route53(client: client(moto)).privateZoneID(forDomain: "nowhere.example")
        }
    }

    @Test("fetches a kubeconfig from S3 and from Secrets Manager")
    func kubeconfigStores() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let client = client(moto)
        _ = try await client.send(.s3, method: "PUT", path: "/kubeconfigs")
        _ = try await client.send(.s3, method: "PUT", path: "/kubeconfigs/clusters/c1.yaml", body: Data("apiVersion: v1\n".utf8))
        let secret = try JSONSerialization.data(withJSONObject: ["Name": "c1-kubeconfig", "SecretString": "apiVersion: v1\nkind: Config\n"])
        _ = try await client.send(
            .secretsManager,
            method: "POST",
            path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", "secretsmanager.CreateSecret")],
            body: secret
        )

        let fetcher = KubeconfigFetcher(client: client)
        #expect(try await fetcher.s3Object(bucket: "kubeconfigs", key: "clusters/c1.yaml") == "apiVersion: v1\n")
        #expect(try await fetcher.secretString(id: "c1-kubeconfig") == "apiVersion: v1\nkind: Config\n")
        await #expect(throws: AWSError.self) { try await fetcher.secretString(id: "missing") }
    }

    @Test("web identity credentials come from STS AssumeRoleWithWebIdentity and sign later calls")
    func webIdentity() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let tokenFile = NSTemporaryDirectory() + "token-\(UUID())"
        try "eyJhbGciOiJSUzI1NiJ9.fake.token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let client = client(
            moto,
            environment: [
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/provisioner", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
                "AWS_REGION": "us-east-1",
            ]
        )

        let credentials = try await client.credentials.current()
        #expect(credentials.sessionToken != nil)
        #expect(credentials.expiration != nil)
        #expect(credentials.accessKeyID != "AKIAFAKE")
        _ = try await AWSFixtures.createPrivateZone(client, domain: "wi.example.com")
    }

    @Test("temporary credentials are reused until they near expiry, then fetched again")
    func temporaryCredentialsRefresh() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let tokenFile = NSTemporaryDirectory() + "token-\(UUID())"
        try "token".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: tokenFile) }
        let configuration = AWSConfiguration(environment: [
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/p", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile, "AWS_ENDPOINT_URL": moto.url,
        ])
        let fresh = AWSCredentialsProvider(configuration: configuration, http: CurlHTTPClient())
        // A margin longer than moto's session lifetime makes every credential "about to expire".
        let expiring = AWSCredentialsProvider(configuration: configuration, http: CurlHTTPClient(), refreshMargin: 7 * 86_400)

        #expect(try await fresh.current() == (try await fresh.current()))
        #expect(try await expiring.current().accessKeyID != (try await expiring.current().accessKeyID))
    }

    @Test("credentials come from the environment first, then the shared files' profile")
    func credentialsOrder() async throws {
        let home = NSTemporaryDirectory() + "aws-home-\(UUID())"
        try FileManager.default.createDirectory(atPath: "\(home)/.aws", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        try "[default]\naws_access_key_id = DEFAULTKEY\naws_secret_access_key = s\n[ops]\naws_access_key_id = OPSKEY\naws_secret_access_key = s\n"
            .write(toFile: "\(home)/.aws/credentials", atomically: true, encoding: .utf8)
        func key(_ environment: [String: String]) async throws -> String {
            try await AWSClient(configuration: AWSConfiguration(environment: environment), logger: Logger(label: "t"))
                .credentials.current().accessKeyID
        }

        #expect(try await key(["HOME": home]) == "DEFAULTKEY")
        #expect(try await key(["HOME": home, "AWS_PROFILE": "ops"]) == "OPSKEY")
        #expect(try await key(["HOME": home, "AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "s"]) == "ENVKEY")
        await #expect(throws: AWSError.self) { try await key(["HOME": "/nonexistent"]) }
    }

    @Test("throttling and 5xx answers are retried with backoff until one succeeds")
    func retriesThrottling() async throws {
        let responder = try await LocalService.responder(statuses: [400, 503, 200])
        defer { responder.stop() }
        let client = AWSClient(
            configuration: AWSConfiguration(environment: Self.fakeCredentials.merging(["AWS_ENDPOINT_URL": responder.url]) { $1 }),
            retry: .init(maxAttempts: 4, baseDelay: .milliseconds(10)),
            logger: Logger(label: "test")
        )

        let response = try await client.send(.secretsManager, method: "POST", path: "/")
        #expect(response.status == 200)
        #expect(response.text.contains("\"requests\": 3"))
    }

    @Test("retries stop at the policy's limit and the AWS error code is surfaced")
    func retriesAreBounded() async throws {
        let responder = try await LocalService.responder(statuses: [503])
        defer { responder.stop() }
        let client = AWSClient(
            configuration: AWSConfiguration(environment: Self.fakeCredentials.merging(["AWS_ENDPOINT_URL": responder.url]) { $1 }),
            retry: .init(maxAttempts: 3, baseDelay: .milliseconds(10)),
            logger: Logger(label: "test")
        )

        await #expect(throws: AWSError(service: "secretsmanager", status: 503, code: "InternalFailure", message: "scripted")) {
            _ = try await client.send(.secretsManager, method: "POST", path: "/")
        }
    }

    @Test("endpoints: per-service override, then AWS_ENDPOINT_URL, then AWS's own")
    func endpoints() {
        let configuration = AWSConfiguration(environment: [
            "AWS_ENDPOINT_URL": "http://127.0.0.1:5000/", "AWS_ENDPOINT_URL_ROUTE_53": "http://127.0.0.1:6000", "AWS_REGION": "eu-west-1",
        ])
        #expect(configuration.endpoint(for: .route53) == "http://127.0.0.1:6000")
        #expect(configuration.endpoint(for: .s3) == "http://127.0.0.1:5000")
        #expect(AWSConfiguration(environment: ["AWS_DEFAULT_REGION": "eu-west-1"]).endpoint(for: .s3) == "https://s3.eu-west-1.amazonaws.com")
        #expect(configuration.signingRegion(for: .route53) == "us-east-1")
    }
}
