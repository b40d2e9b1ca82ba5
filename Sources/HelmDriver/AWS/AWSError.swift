import Foundation
import HTTPClient

/// An AWS call that failed: the service's error code and message, or why no answer came.
public struct AWSError: Error, Sendable, CustomStringConvertible, Equatable {
    public var service: String
    public var status: Int
    /// AWS's error code ("NoSuchHostedZone", "ThrottlingException"), or "Transport" / "Credentials".
    public var code: String
    public var message: String

    public init(service: String, status: Int, code: String, message: String) {
        self.service = service
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String {
        status > 0 ? "\(service): \(code) (\(status)): \(message)" : "\(service): \(code): \(message)"
    }

    static let throttlingCodes: Set<String> = [
        "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "TooManyRequestsException",
        "PriorRequestNotComplete", "SlowDown", "RequestThrottled", "ProvisionedThroughputExceededException",
    ]

    /// Worth trying again: throttling, a server-side failure, or no answer at all.
    public var isRetryable: Bool {
        code == "Transport" || status == 429 || status >= 500 || Self.throttlingCodes.contains(code)
    }

    /// Reads AWS's error body: XML (`<Code>`, `<Message>`) or JSON (`__type`, `message`).
    static func from(service: String, response: HTTPClientResponse) -> AWSError {
        let text = response.text
        if let json = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] {
            let type = (json["__type"] as? String ?? json["code"] as? String ?? response.headers["x-amzn-errortype"] ?? "Unknown")
            let code = String(type.split(separator: "#").last ?? Substring(type)).components(separatedBy: ":").first ?? type
            let message = json["message"] as? String ?? json["Message"] as? String ?? ""
            return AWSError(service: service, status: response.status, code: code, message: message)
        }
        let code = XMLText.first("Code", in: text) ?? response.headers["x-amzn-errortype"] ?? "HTTP\(response.status)"
        return AWSError(service: service, status: response.status, code: code, message: XMLText.first("Message", in: text) ?? "")
    }
}
