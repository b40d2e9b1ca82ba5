import Foundation
import HTTPClient
public import HelmDriver

extension AWSFixtures {
    /// Creates an EKS cluster in moto (ACTIVE at once) and returns the endpoint and base64 CA it made up.
    public static func createEKSCluster(
        _ client: AWSClient,
        name: String,
        region: String = "us-east-1"
    ) async throws -> (endpoint: String, certificateAuthorityData: String) {
        let body = try JSONSerialization.data(withJSONObject: [
            "name": name, "roleArn": "arn:aws:iam::123456789012:role/eks-cluster",
            "resourcesVpcConfig": ["subnetIds": ["subnet-12345678"]],
        ])
        let response = try await client.send(
            .eks,
            method: "POST",
            path: "/clusters",
            headers: [("Content-Type", "application/json")],
            body: body,
            region: region
        )
        struct Created: Decodable {
            struct Cluster: Decodable {
                struct Authority: Decodable { var data: String }
                var endpoint: String
                var certificateAuthority: Authority
            }
            var cluster: Cluster
        }
        let created = try JSONDecoder().decode(Created.self, from: response.body).cluster
        return (created.endpoint, created.certificateAuthority.data)
    }
}
