import Crypto
public import Foundation

extension SigV4Signer {
    /// Signs a request into its URL instead of its headers ("query string authentication",
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-query-string-auth.html): the
    /// credential scope, date, expiry, signed header names, session token and signature become
    /// `X-Amz-*` query parameters, appended after the URL's own in the order botocore writes them.
    /// `headers` are signed, so whoever sends the URL must send them too (EKS tokens sign
    /// `x-k8s-aws-id` this way). The body is empty.
    public func presign(
        method: String = "GET",
        url: String,
        headers: [(name: String, value: String)] = [],
        credentials: AWSCredentials,
        date: Date,
        expires: Int
    ) -> String? {
        guard let components = URLComponents(string: url), let host = components.host else { return nil }
        let hostHeader = components.port.map { "\(host):\($0)" } ?? host
        let timestamp = Self.timestamp(date)
        let signedHeaders = Set(headers.map { $0.name.lowercased() } + ["host"]).sorted().joined(separator: ";")
        var query = components.percentEncodedQuery.map { $0.isEmpty ? [] : [$0] } ?? []
        var parameters = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(day: String(timestamp.prefix(8))))"),
            ("X-Amz-Date", timestamp), ("X-Amz-Expires", String(expires)), ("X-Amz-SignedHeaders", signedHeaders),
        ]
        if let token = credentials.sessionToken { parameters.append(("X-Amz-Security-Token", token)) }
        query += parameters.map { "\($0.0)=\(Self.encode($0.1))" }
        var unsigned = components
        unsigned.percentEncodedQuery = query.joined(separator: "&")
        guard let unsignedURL = unsigned.url else { return nil }
        let canonical = canonicalRequest(
            method: method,
            url: unsignedURL,
            host: hostHeader,
            headers: headers,
            payloadHash: Self.hex(SHA256.hash(data: Data()))
        )
        let signature = signature(canonicalRequest: canonical.request, timestamp: timestamp, secret: credentials.secretAccessKey)
        return unsignedURL.absoluteString + "&X-Amz-Signature=\(signature)"
    }
}
