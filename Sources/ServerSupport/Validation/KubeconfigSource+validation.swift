public import FleetAPI

/// The checks on a `KubeconfigSource` that both servers apply, so a client gets the same answer
/// from either.
extension KubeconfigSource {
    public func validate() throws(APIError) {
        switch (s3, secretsManager, eks) {
        case (let s3?, nil, nil):
            guard !s3.bucket.isEmpty, !s3.key.isEmpty else {
                throw .badRequest("KubeconfigSource.S3 needs a Bucket and a Key", field: "KubeconfigSource.S3")
            }
        case (nil, let secret?, nil):
            guard !secret.secretID.isEmpty else {
                throw .badRequest("KubeconfigSource.SecretsManager needs a SecretID", field: "KubeconfigSource.SecretsManager")
            }
        case (nil, nil, let eks?):
            try eks.validate()
        default:
            throw .badRequest(
                "KubeconfigSource needs exactly one of S3 {Bucket, Key}, SecretsManager {SecretID} or EKS {Cluster, Region}",
                field: "KubeconfigSource"
            )
        }
    }
}

extension KubeconfigSource.EKSCluster {
    /// The cluster name follows EKS's own rule (it ends up in a URL path and a signed header); the
    /// region must look like `us-east-1` or `us-gov-west-1`, as it becomes part of AWS host names.
    public func validate() throws(APIError) {
        guard cluster.wholeMatch(of: /[0-9A-Za-z][A-Za-z0-9\-_]{0,99}/) != nil else {
            throw .badRequest(
                "KubeconfigSource.EKS.Cluster must be 1 to 100 letters, digits, '-' or '_', starting with a letter or digit",
                field: "KubeconfigSource.EKS.Cluster"
            )
        }
        guard region.wholeMatch(of: /[a-z]{2}(-[a-z]+)+-[0-9]/) != nil else {
            throw .badRequest("KubeconfigSource.EKS.Region must be an AWS region such as us-east-1", field: "KubeconfigSource.EKS.Region")
        }
    }
}
