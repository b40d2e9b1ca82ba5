import Foundation
import HTTPClient

extension AWSClient {
    /// A call in AWS's JSON 1.1 protocol (Secrets Manager, SSM, ECR): `POST /` with the operation
    /// in `X-Amz-Target`; the answer's object, nil when it is not one.
    func json11(_ service: AWSService, target: String, body: [String: Any]) async throws(AWSError) -> [String: Any]? {
        let data = (try? JSONSerialization.data(withJSONObject: body)) ?? Data()
        let response = try await send(
            service,
            method: "POST",
            path: "/",
            headers: [("Content-Type", "application/x-amz-json-1.1"), ("X-Amz-Target", target)],
            body: data
        )
        return try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]
    }
}
