import CCurl
import Dispatch
import Foundation

/// HTTP over libcurl: every call has a connect timeout and an overall timeout, a bound on what it
/// reads back, runs off the cooperative thread pool (curl_easy_perform blocks), and follows no
/// redirects. With a `connection`, calls one after another reuse one connection.
public struct CurlHTTPClient: Sendable {
    public var connectTimeout: Duration
    public var connection: CurlConnection?

    public init(connectTimeout: Duration = .seconds(5), connection: CurlConnection? = nil) {
        self.connectTimeout = connectTimeout
        self.connection = connection
    }

    public func send(_ request: HTTPClientRequest, tls: TLSOptions = TLSOptions()) async throws(HTTPTransportError) -> HTTPClientResponse {
        try await send([request], tls: tls)[0]
    }

    /// Sends `requests` one after another from one thread (one hop off the cooperative pool for
    /// all of them), over the kept connection if there is one: the answers in order, or the
    /// failure of the first that failed. None runs past `deadline`: a request's timeout is cut to it.
    public func send(
        _ requests: [HTTPClientRequest],
        tls: TLSOptions = TLSOptions(),
        deadline: ContinuousClock.Instant? = nil
    ) async throws(HTTPTransportError) -> [HTTPClientResponse] {
        let connectTimeout = self.connectTimeout
        let connection = self.connection
        let result: Result<[HTTPClientResponse], HTTPTransportError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var responses: [HTTPClientResponse] = []
                for var request in requests {
                    if let deadline {
                        let left = deadline - .now
                        guard left > .zero else {
                            let error = HTTPTransportError(url: request.url, reason: "no time left before the deadline", timedOut: true)
                            return continuation.resume(returning: .failure(error))
                        }
                        request.timeout = min(request.timeout, left)
                    }
                    switch Self.perform(request, connection: connection, tls: tls, connectTimeout: connectTimeout) {
                    case .success(let response): responses.append(response)
                    case .failure(let error): return continuation.resume(returning: .failure(error))
                    }
                }
                continuation.resume(returning: .success(responses))
            }
        }
        return try result.get()
    }

    /// One request on the kept handle when it is free, else on a handle of its own.
    private static func perform(
        _ request: HTTPClientRequest,
        connection: CurlConnection?,
        tls: TLSOptions,
        connectTimeout: Duration
    ) -> Result<HTTPClientResponse, HTTPTransportError> {
        guard let pointer = connection?.take()?.pointer ?? curl_easy_init() else {
            return .failure(HTTPTransportError(url: request.url, reason: "libcurl could not start", timedOut: false))
        }
        let result = perform(request, on: pointer, tls: tls, connectTimeout: connectTimeout)
        // A handle whose transfer failed may hold a broken connection: not kept.
        if let connection, case .success = result {
            connection.keep(CurlConnection.Handle(pointer: pointer))
        } else {
            curl_easy_cleanup(pointer)
        }
        return result
    }

    private final class Collector {
        var body = Data()
        var headers = Data()
        /// Body and header bytes together; past `limit` the transfer is stopped.
        var received = 0
        let limit: Int
        var exceeded = false
        let discardsBody: Bool

        init(limit: Int, discardsBody: Bool) {
            self.limit = limit
            self.discardsBody = discardsBody
        }

        /// Counts `count` more bytes; false (stop) when they go past the limit.
        func take(_ count: Int) -> Bool {
            received += count
            exceeded = exceeded || received > limit
            return !exceeded
        }
    }

    private static func perform(
        _ request: HTTPClientRequest,
        on handle: UnsafeMutableRawPointer,
        tls: TLSOptions,
        connectTimeout: Duration
    ) -> Result<HTTPClientResponse, HTTPTransportError> {
        let collector = Collector(limit: request.maxResponseBytes, discardsBody: request.discardsBody)
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }

        ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method)
        ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds(request.timeout))
        ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, milliseconds(connectTimeout))
        ccurl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        // An empty Expect stops libcurl waiting for "100 Continue" before sending a body, and an
        // empty Content-Type drops the form encoding libcurl would otherwise claim for a body.
        var headers = request.headers + [("Expect", "")]
        if !request.headers.contains(where: { $0.name.lowercased() == "content-type" }) { headers.append(("Content-Type", "")) }
        for header in headers {
            headerList = curl_slist_append(headerList, header.1.isEmpty ? "\(header.0):" : "\(header.0): \(header.1)")
        }
        ccurl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
        var resolveList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(resolveList) }
        if let address = request.address, let url = URLComponents(string: request.url), let host = url.host {
            let port = url.port ?? (url.scheme == "https" ? 443 : 80)
            resolveList = curl_slist_append(nil, "\(host):\(port):\(address.contains(":") ? "[\(address)]" : address)")
            ccurl_setopt_pointer(handle, CURLOPT_RESOLVE, resolveList)
        }
        if let ca = tls.certificateAuthority { _ = ca.withUnsafeBytes { ccurl_setopt_blob(handle, CURLOPT_CAINFO_BLOB, $0.baseAddress, $0.count) } }
        if let certificate = tls.clientCertificate {
            _ = certificate.withUnsafeBytes { ccurl_setopt_blob(handle, CURLOPT_SSLCERT_BLOB, $0.baseAddress, $0.count) }
        }
        if let key = tls.clientKey { _ = key.withUnsafeBytes { ccurl_setopt_blob(handle, CURLOPT_SSLKEY_BLOB, $0.baseAddress, $0.count) } }
        if tls.insecureSkipVerify {
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            ccurl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        ccurl_setopt_write_function(
            handle,
            { data, size, count, context in
                let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
                if collector.discardsBody { return size * count }
                // Returning less than was given makes libcurl stop with CURLE_WRITE_ERROR.
                guard collector.take(size * count) else { return 0 }
                if let data { collector.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count) }
                return size * count
            },
            context
        )
        ccurl_setopt_header_function(
            handle,
            { data, size, count, context in
                let collector = Unmanaged<Collector>.fromOpaque(context!).takeUnretainedValue()
                guard collector.take(size * count) else { return 0 }
                // Kept as received: most callers never read a header, so none is parsed here.
                if let data { collector.headers.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: size * count) }
                return size * count
            },
            context
        )

        let code: CURLcode = request.body.withUnsafeBytes { body in
            if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
                ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, body.count)
                ccurl_setopt_pointer(
                    handle,
                    CURLOPT_POSTFIELDS,
                    UnsafeMutableRawPointer(mutating: body.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!)
                )
            }
            return curl_easy_perform(handle)
        }
        if collector.exceeded {
            let reason = "the answer was longer than \(request.maxResponseBytes) bytes"
            return .failure(HTTPTransportError(url: request.url, reason: reason, timedOut: false))
        }
        guard code == CURLE_OK else {
            return .failure(
                HTTPTransportError(
                    url: request.url,
                    reason: String(cString: curl_easy_strerror(code)),
                    timedOut: code == CURLE_OPERATION_TIMEDOUT
                )
            )
        }
        var status = 0
        ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPClientResponse(status: status, rawHeaders: collector.headers, body: collector.body))
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        max(1, Int((duration / .milliseconds(1)).rounded(.down)))
    }
}
