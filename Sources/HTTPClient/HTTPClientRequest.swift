public import Foundation

/// An HTTP request for `CurlHTTPClient`.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: Data
    public var timeout: Duration
    /// Connect to this address instead of resolving the URL's host, which still names the server
    /// for TLS and `Host:` (libcurl's CURLOPT_RESOLVE): one instance behind a DNS name.
    public var address: String?
    /// A longer answer fails the request instead of filling memory: the other end may be a
    /// cluster, a webhook endpoint or a service we do not control.
    public var maxResponseBytes: Int
    /// Reads the answer's body and drops it, so only its status and headers count (and the limit
    /// applies to those alone).
    public var discardsBody: Bool

    /// Enough for a Kubernetes list of a release's history (Helm keeps each revision under 1 MiB).
    public static let defaultMaxResponseBytes = 32 << 20

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: Data = Data(),
        timeout: Duration = .seconds(30),
        address: String? = nil,
        maxResponseBytes: Int = defaultMaxResponseBytes,
        discardsBody: Bool = false
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.address = address
        self.maxResponseBytes = maxResponseBytes
        self.discardsBody = discardsBody
    }
}
