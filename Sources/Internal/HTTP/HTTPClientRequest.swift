import Foundation

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

    public init(
        method: String,
        url: String,
        headers: [(name: String, value: String)] = [],
        body: Data = Data(),
        timeout: Duration = .seconds(30),
        address: String? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.address = address
    }
}
