import Foundation
import Logging
import TestSupport
import Testing

@testable import HelmDriver

/// EKS access without an exec plugin: DescribeCluster against moto, and tokens checked field by
/// field and against `aws eks get-token` (PyPI awscli) for the same credentials and time.
@Suite("EKS clusters and tokens", .serialized, .tags(.integration), .skippedInFastRuns)
struct EKSTests {
    static let credentials = AWSCredentials(accessKeyID: "AKIAFAKE", secretAccessKey: "fake-secret", sessionToken: "session/token+1=")
    static let environment = [
        "AWS_ACCESS_KEY_ID": "AKIAFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret", "AWS_SESSION_TOKEN": "session/token+1=",
        "AWS_REGION": "us-east-1",
    ]
    /// 2026-11-29T08:30:00Z
    static let signedAt = Date(timeIntervalSince1970: 1_795_941_000)

    func client(_ moto: LocalService) -> AWSClient {
        AWSClient(
            configuration: AWSConfiguration(environment: Self.environment.merging(["AWS_ENDPOINT_URL": moto.url]) { $1 }),
            retry: .init(maxAttempts: 2, baseDelay: .milliseconds(10)),
            logger: Logger(label: "test")
        )
    }

    @Test("DescribeCluster gives the endpoint and CA of an ACTIVE cluster")
    func describeCluster() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        let created = try await AWSFixtures.createEKSCluster(client(moto), name: "prod-1")

        let cluster = try await EKS(client: client(moto)).describeCluster("prod-1", region: "us-east-1")

        #expect(cluster.status == "ACTIVE")
        #expect(cluster.endpoint == created.endpoint)
        #expect(cluster.endpoint.hasPrefix("https://"))
        #expect(cluster.certificateAuthorityData == created.certificateAuthorityData)
    }

    @Test("an unknown cluster, or one in another region, is an error naming the cluster and the region")
    func unknownCluster() async throws {
        let moto = try await LocalService.moto()
        defer { moto.stop() }
        _ = try await AWSFixtures.createEKSCluster(client(moto), name: "prod-1", region: "us-east-1")
        let eks = EKS(client: client(moto))

        for (name, region) in [("nope", "us-east-1"), ("prod-1", "eu-west-1")] {
            let error = await #expect(throws: AWSError.self) { try await eks.describeCluster(name, region: region) }
            #expect(error?.code == "ResourceNotFoundException")
            #expect(error?.message == "no EKS cluster \"\(name)\" in \(region)")
        }
    }

    @Test("a token is k8s-aws-v1. and the unpadded base64url of a presigned STS GetCallerIdentity URL")
    func tokenFields() throws {
        let token = try EKSToken(
            cluster: "prod-1",
            region: "eu-west-1",
            credentials: Self.credentials,
            configuration: AWSConfiguration(environment: [:]),
            date: Self.signedAt
        )

        #expect(token.value.hasPrefix("k8s-aws-v1."))
        #expect(!token.value.contains("=") && !token.value.contains("+") && !token.value.contains("/"))
        #expect(token.expiresAt == Self.signedAt.addingTimeInterval(15 * 60))
        let url = try #require(token.components)
        #expect(url.scheme == "https" && url.host == "sts.eu-west-1.amazonaws.com" && url.path == "/")
        let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["Action"] == "GetCallerIdentity")
        #expect(query["Version"] == "2011-06-15")
        #expect(query["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256")
        #expect(query["X-Amz-Credential"] == "AKIAFAKE/20261129/eu-west-1/sts/aws4_request")
        #expect(query["X-Amz-Date"] == "20261129T083000Z")
        #expect(query["X-Amz-Expires"] == "60")
        #expect(query["X-Amz-SignedHeaders"] == "host;x-k8s-aws-id")
        #expect(query["X-Amz-Security-Token"] == "session/token+1=")
        #expect(query["X-Amz-Signature"]?.wholeMatch(of: /[0-9a-f]{64}/) != nil)
    }

    @Test("without a session token the URL carries no X-Amz-Security-Token")
    func tokenWithoutSession() throws {
        let keys = AWSCredentials(accessKeyID: "AKIAFAKE", secretAccessKey: "fake-secret")
        let token = try EKSToken(
            cluster: "prod-1",
            region: "us-east-1",
            credentials: keys,
            configuration: AWSConfiguration(environment: [:]),
            date: Self.signedAt
        )
        let names = try #require(token.components?.queryItems).map(\.name)
        #expect(!names.contains("X-Amz-Security-Token"))
        #expect(names.contains("X-Amz-Signature"))
    }

    @Test("aws eks get-token gives the same token for the same credentials, cluster and time", arguments: [false, true])
    func sameAsAWSCLI(throughMoto: Bool) async throws {
        let moto = throughMoto ? try await LocalService.moto() : nil
        defer { moto?.stop() }
        let override = moto.map { ["AWS_ENDPOINT_URL": $0.url] } ?? [:]
        let theirs = try await Self.awsGetToken(cluster: "prod-1", region: "eu-west-1", environment: Self.environment.merging(override) { $1 })
        let theirURL = try #require(theirs.components)
        let date = try #require(theirURL.queryItems?.first { $0.name == "X-Amz-Date" }?.value.flatMap(Self.amzDate))

        let ours = try EKSToken(
            cluster: "prod-1",
            region: "eu-west-1",
            credentials: Self.credentials,
            configuration: AWSConfiguration(environment: override),
            date: date
        )

        let ourURL = try #require(ours.components)
        #expect(ourURL.scheme == theirURL.scheme && ourURL.host == theirURL.host && ourURL.port == theirURL.port && ourURL.path == theirURL.path)
        #expect(ourURL.queryItems == theirURL.queryItems)
        #expect(ours.value == theirs.value, "same signature when signed at the same second")
    }

    /// Runs `aws eks get-token` with only the given AWS settings (no profile or config file).
    static func awsGetToken(cluster: String, region: String, environment: [String: String]) async throws -> EKSToken {
        var clean = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AWS_") }
        clean.merge(environment) { $1 }
        clean["AWS_CONFIG_FILE"] = "/dev/null"
        clean["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null"
        let run = try await CommandRun.run(
            "/usr/bin/env",
            ["aws", "eks", "get-token", "--cluster-name", cluster, "--region", region, "--output", "json"],
            environment: clean,
            inheriting: false
        )
        guard run.status == 0 else {
            throw ServerProcess.StartFailure(log: "aws eks get-token failed (is awscli installed? scripts/install-deps installs it)")
        }
        struct ExecCredential: Decodable {
            struct Status: Decodable { var token: String }
            var status: Status
        }
        var token = try EKSToken(
            cluster: cluster,
            region: region,
            credentials: credentials,
            configuration: AWSConfiguration(environment: [:]),
            date: .distantPast
        )
        token.value = try JSONDecoder().decode(ExecCredential.self, from: Data(run.stdout.utf8)).status.token
        return token
    }

    static func amzDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.date(from: text)
    }
}

extension EKSToken {
    var components: URLComponents? { presignedURL.flatMap { URLComponents(string: $0) } }
}
