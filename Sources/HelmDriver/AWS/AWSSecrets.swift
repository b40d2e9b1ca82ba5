import Foundation

/// Reading a secret string from Secrets Manager or a parameter from SSM Parameter Store, both
/// over their JSON 1.1 protocol, with the client's own credentials.
public struct AWSSecrets: Sendable {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// GetSecretValue: the secret's `SecretString` (a binary secret is refused).
    public func secretString(id: String) async throws(AWSError) -> String {
        let answer = try await client.json11(.secretsManager, target: "secretsmanager.GetSecretValue", body: ["SecretId": id])
        guard let secret = answer?["SecretString"] as? String else {
            throw AWSError(service: "secretsmanager", status: 200, code: "UnreadableResponse", message: "secret \(id) has no SecretString")
        }
        return secret
    }

    /// GetParameter with decryption: the value of a String, StringList or SecureString parameter.
    public func parameter(name: String) async throws(AWSError) -> String {
        let answer = try await client.json11(.ssm, target: "AmazonSSM.GetParameter", body: ["Name": name, "WithDecryption": true])
        guard let parameter = answer?["Parameter"] as? [String: Any], let value = parameter["Value"] as? String else {
            throw AWSError(service: "ssm", status: 200, code: "UnreadableResponse", message: "parameter \(name) has no Value")
        }
        return value
    }

}
