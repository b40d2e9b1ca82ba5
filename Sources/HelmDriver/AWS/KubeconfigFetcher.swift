import Foundation
import HTTPClient

/// Fetching a kubeconfig kept in S3 or Secrets Manager.
public struct KubeconfigFetcher: Sendable {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// S3 GetObject: virtual-hosted style on AWS, path style on an overridden endpoint (moto, MinIO).
    public func s3Object(bucket: String, key: String) async throws(AWSError) -> String {
        let encodedKey = key.split(separator: "/", omittingEmptySubsequences: false).map { SigV4Signer.encode(String($0)) }.joined(separator: "/")
        if client.configuration.isOverridden(.s3) {
            return try await client.send(.s3, method: "GET", path: "/\(bucket)/\(encodedKey)").text
        }
        let bucketHost = "https://\(bucket).s3.\(client.configuration.region).amazonaws.com"
        return try await client.send(.s3, method: "GET", path: "/\(encodedKey)", endpoint: bucketHost).text
    }

    /// Secrets Manager GetSecretValue; the secret must be a string.
    public func secretString(id: String) async throws(AWSError) -> String {
        try await AWSSecrets(client: client).secretString(id: id)
    }
}
