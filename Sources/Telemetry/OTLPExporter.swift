import Foundation
public import HTTPClient
public import Logging
public import ServiceLifecycle
import Synchronization

/// Sends finished spans to an OpenTelemetry collector over OTLP/HTTP (JSON), in batches, from a
/// bounded queue: a collector that is slow or gone costs dropped spans, never memory or the work
/// being traced.
public final class OTLPExporter: Service, Sendable {
    public struct Configuration: Sendable {
        /// The collector's base URL (`http://collector:4318`); spans go to `/v1/traces` under it,
        /// as OTEL_EXPORTER_OTLP_ENDPOINT means. A URL already ending in /v1/traces is used as is.
        public var endpoint: String
        /// `service.name` on every span: `cloud`, `cloud-cli` or `provisioner`.
        public var service: String
        public var version: String
        public var interval: Duration = .seconds(1)
        public var batchSize = 512
        public var queueLimit = 8192
        public var timeout: Duration = .seconds(10)

        public init(endpoint: String, service: String, version: String) {
            self.endpoint = endpoint
            self.service = service
            self.version = version
        }

        var tracesURL: String {
            let trimmed = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
            return trimmed.hasSuffix("/v1/traces") ? trimmed : trimmed + "/v1/traces"
        }
    }

    public struct InvalidEndpoint: Error, CustomStringConvertible {
        public var description: String
    }

    public let configuration: Configuration
    private let client: CurlHTTPClient
    private let logger: Logger
    private let queue = Mutex<[FinishedSpan]>([])
    private let dropped = Atomic<Int>(0)
    /// Whether the last export failed, so a collector that is down is logged once, not per batch.
    private let failing = Atomic<Bool>(false)

    public init(configuration: Configuration, client: CurlHTTPClient = CurlHTTPClient(), logger: Logger) throws(InvalidEndpoint) {
        guard let url = URL(string: configuration.endpoint), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw InvalidEndpoint(description: "--otel-endpoint: expected an http(s) URL such as http://collector:4318")
        }
        self.configuration = configuration
        self.client = client
        self.logger = logger
    }

    /// Spans dropped because the queue was full.
    public var droppedSpans: Int { dropped.load(ordering: .relaxed) }

    public func add(_ span: FinishedSpan) {
        let kept = queue.withLock { queue in
            guard queue.count < configuration.queueLimit else { return false }
            queue.append(span)
            return true
        }
        if !kept { dropped.add(1, ordering: .relaxed) }
    }

    /// Exports every `interval` until shutdown, then once more for what the last work finished.
    public func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.configuration.interval) }
            await flush()
        }
        await flush()
    }

    /// Sends everything queued now, a batch at a time.
    public func flush() async {
        while true {
            let batch = queue.withLock { queue in
                let batch = Array(queue.prefix(configuration.batchSize))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            guard await send(batch) else { return }
        }
    }

    private func send(_ batch: [FinishedSpan]) async -> Bool {
        let request: HTTPClientRequest
        do {
            request = HTTPClientRequest(
                method: "POST",
                url: configuration.tracesURL,
                headers: [("Content-Type", "application/json")],
                body: try OTLPJSON.encode(batch, service: configuration.service, version: configuration.version),
                timeout: configuration.timeout,
                maxResponseBytes: 64 << 10
            )
        } catch {
            logger.warning("spans not exported: cannot encode them", metadata: ["error": "\(error)"])
            return true
        }
        let problem: String
        do {
            let response = try await client.send(request)
            if (200..<300).contains(response.status) {
                if failing.exchange(false, ordering: .relaxed) {
                    logger.notice("exporting spans again", metadata: ["url": "\(configuration.tracesURL)"])
                }
                return true
            }
            problem = "HTTP \(response.status)"
        } catch {
            problem = "\(error)"
        }
        if !failing.exchange(true, ordering: .relaxed) {
            logger.warning(
                "spans not exported; dropping them until the collector answers",
                metadata: ["url": "\(configuration.tracesURL)", "error": "\(problem)", "spans": "\(batch.count)"]
            )
        }
        dropped.add(batch.count, ordering: .relaxed)
        return false
    }
}
