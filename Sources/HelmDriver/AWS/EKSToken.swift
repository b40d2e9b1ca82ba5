import FleetAPI
public import Foundation

/// A bearer token for an EKS cluster's API server, made as aws-iam-authenticator (pkg/token) and
/// `aws eks get-token` make it, so no `exec` plugin is needed: `k8s-aws-v1.` followed by the
/// unpadded base64url of a presigned STS GetCallerIdentity URL whose signed headers include
/// `x-k8s-aws-id: <cluster>`. The API server's authenticator calls that URL to learn who we are.
public struct EKSToken: Sendable, Equatable, CustomStringConvertible {
    public var value: String
    /// STS accepts a presigned URL for 15 minutes after its X-Amz-Date, whatever X-Amz-Expires says.
    public var expiresAt: Date

    public static let prefix = "k8s-aws-v1."
    public static let lifetime: TimeInterval = 15 * 60
    /// X-Amz-Expires: ignored by STS, but old authenticators reject values above 60.
    static let presignExpiry = 60

    /// Signs for `cluster` in `region` at `date`; STS is addressed at its regional endpoint, or the
    /// configured override (`AWS_ENDPOINT_URL_STS`, `AWS_ENDPOINT_URL`) as awscli does.
    public init(
        cluster: String,
        region: String,
        credentials: AWSCredentials,
        configuration: AWSConfiguration,
        date: Date
    ) throws(AWSError) {
        let url = configuration.endpoint(for: .sts, region: region) + "/?Action=GetCallerIdentity&Version=2011-06-15"
        let signer = SigV4Signer(service: AWSService.sts.signingName, region: region)
        guard
            let presigned = signer.presign(
                url: url,
                headers: [("x-k8s-aws-id", cluster)],
                credentials: credentials,
                date: date,
                expires: Self.presignExpiry
            )
        else {
            throw AWSError(service: "sts", status: 0, code: "InvalidEndpoint", message: "cannot presign a request to \(url)")
        }
        value = Self.prefix + Data(presigned.utf8).base64URLEncodedString()
        expiresAt = date.addingTimeInterval(Self.lifetime)
    }

    /// The presigned URL inside the token.
    public var presignedURL: String? {
        Data(base64URLEncoded: value.dropFirst(Self.prefix.count)).map { String(decoding: $0, as: UTF8.self) }
    }

    public var description: String { "EKSToken(expires: \(expiresAt), value: [REDACTED])" }
}
