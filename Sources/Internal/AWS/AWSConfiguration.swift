import Foundation

/// An AWS API as the client addresses it: its signing name, the suffix of its
/// `AWS_ENDPOINT_URL_<SERVICE>` override, and its public endpoint.
public struct AWSService: Sendable, Hashable {
    public var signingName: String
    public var environmentKey: String
    /// Global services (Route53, and STS's global endpoint) sign for us-east-1 whatever the region.
    public var globalRegion: String?
    var publicHost: @Sendable (String) -> String

    public static func == (lhs: AWSService, rhs: AWSService) -> Bool { lhs.signingName == rhs.signingName }
    public func hash(into hasher: inout Hasher) { hasher.combine(signingName) }

    public static let route53 = AWSService(signingName: "route53", environmentKey: "ROUTE_53", globalRegion: "us-east-1") { _ in "route53.amazonaws.com" }
    public static let s3 = AWSService(signingName: "s3", environmentKey: "S3", globalRegion: nil) { "s3.\($0).amazonaws.com" }
    public static let secretsManager = AWSService(signingName: "secretsmanager", environmentKey: "SECRETS_MANAGER", globalRegion: nil) { "secretsmanager.\($0).amazonaws.com" }
    public static let eks = AWSService(signingName: "eks", environmentKey: "EKS", globalRegion: nil) { "eks.\($0).amazonaws.com" }
    public static let sts = AWSService(signingName: "sts", environmentKey: "STS", globalRegion: nil) { "sts.\($0).amazonaws.com" }
}

/// Region and endpoints, resolved from the environment the way the AWS SDKs do.
public struct AWSConfiguration: Sendable {
    public var region: String
    /// `AWS_ENDPOINT_URL`: one endpoint for every service (moto, LocalStack, a VPC endpoint).
    public var endpoint: String?
    /// `AWS_ENDPOINT_URL_<SERVICE>`, winning over `endpoint`.
    public var serviceEndpoints: [String: String]
    public var environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
        region = environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"] ?? "us-east-1"
        endpoint = environment["AWS_ENDPOINT_URL"].flatMap { $0.isEmpty ? nil : $0 }
        serviceEndpoints = environment.reduce(into: [:]) { result, entry in
            if entry.key.hasPrefix("AWS_ENDPOINT_URL_"), !entry.value.isEmpty {
                result[String(entry.key.dropFirst("AWS_ENDPOINT_URL_".count))] = entry.value
            }
        }
    }

    /// The base URL for `service` in `region` (default: the configured one), without a trailing slash.
    public func endpoint(for service: AWSService, region: String? = nil) -> String {
        let chosen = serviceEndpoints[service.environmentKey] ?? endpoint ?? "https://\(service.publicHost(region ?? self.region))"
        return chosen.hasSuffix("/") ? String(chosen.dropLast()) : chosen
    }

    /// Whether the endpoint was overridden (then S3 is addressed path-style).
    public func isOverridden(_ service: AWSService) -> Bool {
        serviceEndpoints[service.environmentKey] != nil || endpoint != nil
    }

    public func signingRegion(for service: AWSService, region: String? = nil) -> String { service.globalRegion ?? region ?? self.region }
}
