import Foundation

/// Region and endpoints, resolved from the environment the way the AWS SDKs do.
public struct AWSConfiguration: Sendable {
    public var region: String
    /// `AWS_ENDPOINT_URL`: one endpoint for every service (moto, LocalStack, a VPC endpoint).
    public var endpoint: String?
    /// `AWS_ENDPOINT_URL_<SERVICE>`, winning over `endpoint`.
    public var serviceEndpoints: [String: String]
    public var environment: [String: String]

    /// - Parameter environment: the process's, passed in by the executable (library code reads none).
    public init(environment: [String: String]) {
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
