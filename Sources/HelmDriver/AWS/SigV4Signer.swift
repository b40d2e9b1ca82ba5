import Crypto
public import Foundation
public import HTTPClient

/// AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html).
/// Pure: the clock and the credentials are arguments, so it is checked against AWS's test vectors.
public struct SigV4Signer: Sendable {
    public var service: String
    public var region: String

    public init(service: String, region: String) {
        self.service = service
        self.region = region
    }

    /// Adds `X-Amz-Date`, `X-Amz-Content-Sha256` (S3 wants it; others ignore it), the session token
    /// if any, and `Authorization` to `request`.
    public func sign(_ request: inout HTTPClientRequest, credentials: AWSCredentials, date: Date, includeContentHash: Bool = true) {
        let timestamp = Self.timestamp(date)
        let day = String(timestamp.prefix(8))
        let payloadHash = Self.hex(SHA256.hash(data: request.body))
        guard let url = URL(string: request.url), let host = url.host else { return }
        let hostHeader = url.port.map { "\(host):\($0)" } ?? host
        request.headers.removeAll {
            ["host", "x-amz-date", "authorization", "x-amz-security-token", "x-amz-content-sha256"].contains($0.name.lowercased())
        }
        request.headers.append(("X-Amz-Date", timestamp))
        if includeContentHash { request.headers.append(("X-Amz-Content-Sha256", payloadHash)) }
        if let token = credentials.sessionToken { request.headers.append(("X-Amz-Security-Token", token)) }

        let canonical = canonicalRequest(method: request.method, url: url, host: hostHeader, headers: request.headers, payloadHash: payloadHash)
        let signature = signature(canonicalRequest: canonical.request, timestamp: timestamp, secret: credentials.secretAccessKey)
        request.headers.append(
            (
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(day: day)), "
                    + "SignedHeaders=\(canonical.signedHeaders), Signature=\(signature)"
            )
        )
    }

    func scope(day: String) -> String { "\(day)/\(region)/\(service)/aws4_request" }

    /// The hex signature of a canonical request made at `timestamp` (`yyyyMMdd'T'HHmmss'Z'`).
    func signature(canonicalRequest: String, timestamp: String, secret: String) -> String {
        let day = String(timestamp.prefix(8))
        let stringToSign = "AWS4-HMAC-SHA256\n\(timestamp)\n\(scope(day: day))\n\(Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8))))"
        let key = signingKey(secret: secret, day: day)
        return Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: key))
    }

    func canonicalRequest(
        method: String,
        url: URL,
        host: String,
        headers: [(name: String, value: String)],
        payloadHash: String
    ) -> (request: String, signedHeaders: String) {
        var all = headers.map { (name: $0.name.lowercased(), value: Self.trim($0.value)) }
        all.append((name: "host", value: host))
        let grouped = Dictionary(grouping: all, by: \.name).mapValues { $0.map(\.value).joined(separator: ",") }
        let names = grouped.keys.sorted()
        let canonicalHeaders = names.map { "\($0):\(grouped[$0]!)\n" }.joined()
        let signedHeaders = names.joined(separator: ";")
        let path = url.path.isEmpty ? "/" : Self.encodePath(URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? url.path)
        let request = [method, path, Self.canonicalQuery(url), canonicalHeaders, signedHeaders, payloadHash].joined(separator: "\n")
        return (request, signedHeaders)
    }

    private func signingKey(secret: String, day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secret)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// Query parameters sorted by name then value, each RFC 3986 encoded.
    static func canonicalQuery(_ url: URL) -> String {
        guard let query = URLComponents(url: url, resolvingAgainstBaseURL: false)?.percentEncodedQuery, !query.isEmpty else { return "" }
        var pairs: [(name: String, value: String)] = []
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0].removingPercentEncoding ?? parts[0]
            let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            pairs.append((encode(name), encode(value)))
        }
        pairs.sort { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Each path segment decoded, then RFC 3986 encoded once.
    static func encodePath(_ path: String) -> String {
        path.split(separator: "/", omittingEmptySubsequences: false)
            .map { encode(String($0).removingPercentEncoding ?? String($0)) }
            .joined(separator: "/")
    }

    static func encode(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    private static func trim(_ value: String) -> String {
        value.trimmingCharacters(in: .whitespaces).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
