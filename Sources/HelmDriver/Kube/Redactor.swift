import FleetAPI
import Foundation

/// Removes secrets from text bound for logs or API responses: every secret of at least
/// `SecretValues.minimumLength` characters, wherever it occurs. Shorter ones are left alone, as in
/// values: searched for everywhere they would blank out words (a 7-letter test token took
/// "testbed" out of every chart path), and a credential that short protects nothing anyway.
public struct Redactor: Sendable {
    private let secrets: [String]

    public init(secrets: [String]) {
        self.secrets = secrets.filter { $0.count >= SecretValues.minimumLength }.sorted { $0.count > $1.count }
    }

    /// This redactor, removing `more` too.
    public func adding(_ more: [String]) -> Redactor {
        more.isEmpty ? self : Redactor(secrets: secrets + more)
    }

    public func redact(_ text: String) -> String {
        var result = text
        for secret in secrets { result = result.replacingOccurrences(of: secret, with: "[REDACTED]") }
        // The patterns only where their words occur: a Swift regex pass costs microseconds, and
        // every status line and helm message of every deployment comes through here.
        if result.utf8.containsASCII("bearer", ignoringCase: true) {
            result = result.replacing(/(?i)(bearer\s+)[A-Za-z0-9._~+\/=-]{8,}/) { "\($0.output.1)[REDACTED]" }
        }
        // EKS tokens are a presigned STS URL: whoever holds one is the provisioner's role until it expires.
        if result.utf8.containsASCII("k8s-aws-v1.") {
            result = result.replacing(/k8s-aws-v1\.[A-Za-z0-9_-]+/) { _ in "[REDACTED]" }
        }
        return result
    }
}
