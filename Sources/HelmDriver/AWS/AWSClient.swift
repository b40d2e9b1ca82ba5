import FleetAPI
public import Foundation
public import HTTPClient
public import Logging

/// Signed AWS calls over libcurl, with a timeout on each and jittered exponential backoff on
/// throttling, 5xx and transport failures.
public struct AWSClient: Sendable {
    public struct RetryPolicy: Sendable {
        public var maxAttempts: Int
        public var baseDelay: Duration
        public var maxDelay: Duration

        public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(100), maxDelay: Duration = .seconds(5)) {
            self.maxAttempts = maxAttempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
        }

        /// "Full jitter": a random delay up to the exponential bound.
        func delay(afterAttempt attempt: Int) -> Duration {
            let bound = min(baseDelay * (1 << min(attempt - 1, 16)), maxDelay)
            return bound * Double.random(in: 0...1)
        }
    }

    public let configuration: AWSConfiguration
    public let credentials: AWSCredentialsProvider
    let http: CurlHTTPClient
    let retry: RetryPolicy
    let timeout: Duration
    let logger: Logger

    public init(
        configuration: AWSConfiguration,
        retry: RetryPolicy = RetryPolicy(),
        timeout: Duration = .seconds(20),
        logger: Logger
    ) {
        self.configuration = configuration
        self.http = CurlHTTPClient()
        self.credentials = AWSCredentialsProvider(configuration: configuration, http: http)
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
    }

    /// Sends one signed request to `service` (at `endpoint` when given, e.g. an S3 bucket's own
    /// host; in `region` when given, e.g. the region of the EKS cluster a request names); `path`
    /// may carry a query string.
    public func send(
        _ service: AWSService,
        method: String,
        path: String,
        headers: [(name: String, value: String)] = [],
        body: Data = Data(),
        endpoint: String? = nil,
        region: String? = nil
    ) async throws(AWSError) -> HTTPClientResponse {
        let url = (endpoint ?? configuration.endpoint(for: service, region: region)) + path
        let signer = SigV4Signer(service: service.signingName, region: configuration.signingRegion(for: service, region: region))
        var attempt = 0
        while true {
            attempt += 1
            let creds = try await credentials.current()
            var request = HTTPClientRequest(method: method, url: url, headers: headers, body: body, timeout: timeout)
            signer.sign(&request, credentials: creds, date: Date())
            let failure: AWSError
            do {
                let response = try await http.send(request)
                if (200..<300).contains(response.status) { return response }
                failure = AWSError.from(service: service.signingName, response: response)
            } catch {
                failure = AWSError(service: service.signingName, status: 0, code: "Transport", message: error.description)
            }
            let error = failure
            guard error.isRetryable, attempt < retry.maxAttempts else { throw error }
            let delay = retry.delay(afterAttempt: attempt)
            logger.notice(
                "retrying AWS call",
                metadata: [
                    "service": "\(service.signingName)", "code": "\(error.code)", "attempt": "\(attempt)",
                    "delay_ms": "\(delay.milliseconds)",
                ]
            )
            try? await Task.sleep(for: delay)
        }
    }
}
