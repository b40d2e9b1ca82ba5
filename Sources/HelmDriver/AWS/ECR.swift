public import Foundation

/// Amazon ECR's registry login: `GetAuthorizationToken` with the client's own credentials (SigV4,
/// JSON 1.1), a base64 `AWS:PASSWORD` good for 12 hours, as `aws ecr get-login-password` uses it.
public struct ECR: Sendable {
    let client: AWSClient

    public init(client: AWSClient) {
        self.client = client
    }

    /// A registry login and when it expires.
    public struct Login: Sendable, Equatable {
        public var username: String
        public var password: String
        public var expiresAt: Date
    }

    public func login() async throws(AWSError) -> Login {
        let answer = try await client.json11(.ecr, target: "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", body: [:])
        guard let data = (answer?["authorizationData"] as? [[String: Any]])?.first, let token = data["authorizationToken"] as? String,
            let decoded = Data(base64Encoded: token).map({ String(decoding: $0, as: UTF8.self) }), let colon = decoded.firstIndex(of: ":")
        else {
            throw AWSError(service: "ecr", status: 200, code: "UnreadableResponse", message: "GetAuthorizationToken answered no authorization token")
        }
        let expires = (data["expiresAt"] as? Double).map { Date(timeIntervalSince1970: $0) } ?? Date() + 12 * 3600
        return Login(username: String(decoded[..<colon]), password: String(decoded[decoded.index(after: colon)...]), expiresAt: expires)
    }
}
