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

    public static let route53 = AWSService(signingName: "route53", environmentKey: "ROUTE_53", globalRegion: "us-east-1") { _ in
        "route53.amazonaws.com"
    }
    public static let s3 = AWSService(signingName: "s3", environmentKey: "S3", globalRegion: nil) { "s3.\($0).amazonaws.com" }
    public static let secretsManager = AWSService(signingName: "secretsmanager", environmentKey: "SECRETS_MANAGER", globalRegion: nil) {
        "secretsmanager.\($0).amazonaws.com"
    }
    public static let ssm = AWSService(signingName: "ssm", environmentKey: "SSM", globalRegion: nil) { "ssm.\($0).amazonaws.com" }
    public static let eks = AWSService(signingName: "eks", environmentKey: "EKS", globalRegion: nil) { "eks.\($0).amazonaws.com" }
    public static let ecr = AWSService(signingName: "ecr", environmentKey: "ECR", globalRegion: nil) { "api.ecr.\($0).amazonaws.com" }
    public static let sts = AWSService(signingName: "sts", environmentKey: "STS", globalRegion: nil) { "sts.\($0).amazonaws.com" }
}
