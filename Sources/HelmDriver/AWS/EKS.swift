public import Foundation
import HTTPClient

/// The one EKS call the provisioner makes: DescribeCluster (REST-JSON, `GET /clusters/{name}`),
/// for the API server's address and CA. Needs `eks:DescribeCluster` on the cluster.
public struct EKS: Sendable {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// What a kubeconfig needs from a cluster.
    public struct Cluster: Sendable, Equatable {
        public var name: String
        public var region: String
        public var status: String
        /// `https://<id>.<suffix>.<region>.eks.amazonaws.com`
        public var endpoint: String
        /// The cluster CA bundle, base64 as a kubeconfig's `certificate-authority-data` holds it.
        public var certificateAuthorityData: String
    }

    /// A fresh token for `cluster` in `region`, signed with the client's current credentials.
    public func token(for cluster: String, region: String, date: Date = Date()) async throws(AWSError) -> EKSToken {
        try EKSToken(
            cluster: cluster,
            region: region,
            credentials: try await client.credentials.current(),
            configuration: client.configuration,
            date: date
        )
    }

    /// The cluster `name` in `region`, which must be ACTIVE with an endpoint and a CA.
    public func describeCluster(_ name: String, region: String) async throws(AWSError) -> Cluster {
        let response: HTTPClientResponse
        do {
            response = try await client.send(.eks, method: "GET", path: "/clusters/\(SigV4Signer.encode(name))", region: region)
        } catch  where error.code == "ResourceNotFoundException" {
            throw AWSError(service: "eks", status: error.status, code: error.code, message: "no EKS cluster \"\(name)\" in \(region)")
        }
        struct Answer: Decodable {
            struct Described: Decodable {
                struct Authority: Decodable { var data: String? }
                var status: String?
                var endpoint: String?
                var certificateAuthority: Authority?
            }
            var cluster: Described
        }
        guard let described = (try? JSONDecoder().decode(Answer.self, from: response.body))?.cluster else {
            throw AWSError(
                service: "eks",
                status: response.status,
                code: "UnreadableResponse",
                message: "DescribeCluster \(name) answered no cluster"
            )
        }
        let status = described.status ?? "UNKNOWN"
        guard status == "ACTIVE" else {
            throw AWSError(
                service: "eks",
                status: response.status,
                code: "ClusterNotActive",
                message: "EKS cluster \"\(name)\" in \(region) is \(status), not ACTIVE"
            )
        }
        guard let endpoint = described.endpoint, let url = URL(string: endpoint), url.scheme == "https", url.host != nil else {
            throw AWSError(
                service: "eks",
                status: response.status,
                code: "NoEndpoint",
                message: "EKS cluster \"\(name)\" in \(region) has no https endpoint"
            )
        }
        guard let authority = described.certificateAuthority?.data, Data(base64Encoded: authority) != nil else {
            throw AWSError(
                service: "eks",
                status: response.status,
                code: "NoCertificateAuthority",
                message: "EKS cluster \"\(name)\" in \(region) has no base64 certificate authority"
            )
        }
        return Cluster(name: name, region: region, status: status, endpoint: endpoint, certificateAuthorityData: authority)
    }
}
