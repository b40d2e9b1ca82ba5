import Internal
import Logging

/// Everything the provisioner is configured with, as one value passed down from the command line.
struct ProvisionerConfiguration: Sendable {
    var host: String
    var port: Int
    var helm: String
    var chartDirectory: String?
    var maxConcurrent: Int
    var defaultTimeout: Duration
    var retention: Duration
    var retentionCount: Int
    var drainTimeout: Duration
    var remediation: RemediationPolicy
    var helmGracePeriod: Duration
    var logFormat: StructuredLogHandler.Format
    var logLevel: Logger.Level
}

enum BindAddressParser {
    /// "127.0.0.1:8076", ":8076" (all interfaces), "[::1]:8076".
    static func parse(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }
}
