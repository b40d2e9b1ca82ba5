import Foundation
import Hummingbird
import Logging
import Synchronization

/// An OpenTelemetry collector's OTLP/HTTP endpoint on loopback, as far as tests need one: it takes
/// `POST /v1/traces` in the JSON encoding and keeps each span with its service. It reads the
/// fields by the names the OTLP specification gives them (opentelemetry-proto's trace.proto in its
/// JSON mapping), not through the exporter's own types. It serves until the test process ends:
/// cancelling a Hummingbird server with a client's idle keep-alive connection open trips an
/// assertion in NIO.
public final class OTLPReceiver: Sendable {
    public struct ReceivedSpan: Sendable, CustomStringConvertible {
        public var service: String
        public var name: String
        public var traceID: String
        public var spanID: String
        public var parentSpanID: String?
        public var kind: Int
        public var attributes: [String: String]
        public var statusCode: Int

        public var description: String { "\(service): \(name) \(traceID)/\(spanID) <- \(parentSpanID ?? "root")" }
    }

    private final class Log: Sendable {
        let state = Mutex<(spans: [ReceivedSpan], requests: Int, port: Int)>(([], 0, 0))
    }

    private let log = Log()
    private let task: Task<Void, any Error>

    public init() async throws {
        let router = Router()
        let log = self.log
        router.post("/v1/traces") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 16 << 20)
            guard request.headers[.contentType] == "application/json",
                let document = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]
            else { return Response(status: .badRequest) }
            let spans = Self.spans(in: document)
            log.state.withLock {
                $0.spans += spans
                $0.requests += 1
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: "{}")))
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in log.state.withLock { $0.port = channel.localAddress?.port ?? 0 } },
            logger: Logger(label: "otlp-receiver", factory: { _ in SwiftLogNoOpLogHandler() })
        )
        task = Task { try await app.run() }
        guard await eventually(timeout: .seconds(60), every: .milliseconds(10), { log.state.withLock { $0.port } != 0 }) else {
            throw ServerProcess.StartFailure(log: "the OTLP receiver did not start listening")
        }
    }

    /// The collector's base URL, as `--otel-endpoint` takes it.
    public var endpoint: String { "http://127.0.0.1:\(log.state.withLock { $0.port })" }
    public var spans: [ReceivedSpan] { log.state.withLock { $0.spans } }

    static func spans(in document: [String: Any]) -> [ReceivedSpan] {
        var found: [ReceivedSpan] = []
        for resourceSpans in document["resourceSpans"] as? [[String: Any]] ?? [] {
            let resource = attributes(((resourceSpans["resource"] as? [String: Any])?["attributes"]) as? [[String: Any]])
            for scopeSpans in resourceSpans["scopeSpans"] as? [[String: Any]] ?? [] {
                for span in scopeSpans["spans"] as? [[String: Any]] ?? [] {
                    found.append(
                        ReceivedSpan(
                            service: resource["service.name"] ?? "",
                            name: span["name"] as? String ?? "",
                            traceID: span["traceId"] as? String ?? "",
                            spanID: span["spanId"] as? String ?? "",
                            parentSpanID: (span["parentSpanId"] as? String).flatMap { $0.isEmpty ? nil : $0 },
                            kind: span["kind"] as? Int ?? 0,
                            attributes: attributes(span["attributes"] as? [[String: Any]]),
                            statusCode: (span["status"] as? [String: Any])?["code"] as? Int ?? 0
                        )
                    )
                }
            }
        }
        return found
    }

    /// `[{"key": K, "value": {"stringValue" | "intValue" | "boolValue" | "doubleValue": V}}]`, as text.
    static func attributes(_ list: [[String: Any]]?) -> [String: String] {
        var attributes: [String: String] = [:]
        for entry in list ?? [] {
            guard let key = entry["key"] as? String, let value = entry["value"] as? [String: Any], let first = value.first else { continue }
            attributes[key] = "\(first.value)"
        }
        return attributes
    }
}
