import Foundation
import Tracing

/// Spans in OTLP/HTTP's JSON encoding (the protobuf JSON mapping, with trace and span IDs as hex
/// and 64-bit integers as strings), as collectors accept on `POST /v1/traces`.
/// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding
enum OTLPJSON {
    struct Request: Encodable {
        var resourceSpans: [ResourceSpans]
    }

    struct ResourceSpans: Encodable {
        var resource: Resource
        var scopeSpans: [ScopeSpans]
    }

    struct Resource: Encodable {
        var attributes: [KeyValue]
    }

    struct ScopeSpans: Encodable {
        var scope: Scope
        var spans: [Span]
    }

    struct Scope: Encodable {
        var name: String
        var version: String
    }

    struct Span: Encodable {
        var traceId: String
        var spanId: String
        var parentSpanId: String?
        var name: String
        var kind: Int
        var startTimeUnixNano: String
        var endTimeUnixNano: String
        var attributes: [KeyValue]
        var events: [Event]
        var status: Status?
    }

    struct Event: Encodable {
        var timeUnixNano: String
        var name: String
        var attributes: [KeyValue]
    }

    struct Status: Encodable {
        var code: Int
        var message: String?
    }

    struct KeyValue: Encodable {
        var key: String
        var value: AnyValue
    }

    struct AnyValue: Encodable {
        var stringValue: String?
        var intValue: String?
        var doubleValue: Double?
        var boolValue: Bool?
        var arrayValue: ArrayValue?
    }

    struct ArrayValue: Encodable {
        var values: [AnyValue]
    }

    /// One request holding `spans` of one service.
    static func encode(_ spans: [FinishedSpan], service: String, version: String) throws -> Data {
        let request = Request(resourceSpans: [
            ResourceSpans(
                resource: Resource(attributes: [KeyValue(key: "service.name", value: AnyValue(stringValue: service))]),
                scopeSpans: [ScopeSpans(scope: Scope(name: service, version: version), spans: spans.map(span))]
            )
        ])
        return try JSONEncoder().encode(request)
    }

    static func span(_ span: FinishedSpan) -> Span {
        Span(
            traceId: span.trace.traceIDHex,
            spanId: span.trace.spanIDHex,
            parentSpanId: span.parentSpanID.map(TraceContext.hex),
            name: span.name,
            kind: kind(span.kind),
            startTimeUnixNano: String(span.start),
            endTimeUnixNano: String(span.end),
            attributes: keyValues(span.attributes),
            events: span.events.map { event in
                Event(timeUnixNano: String(event.nanosecondsSinceEpoch), name: event.name, attributes: keyValues(event.attributes.dictionary))
            },
            status: span.status.map { Status(code: $0.code == .ok ? 1 : 2, message: $0.message) }
        )
    }

    static func kind(_ kind: SpanKind) -> Int {
        switch kind {
        case .internal: 1
        case .server: 2
        case .client: 3
        case .producer: 4
        case .consumer: 5
        }
    }

    static func keyValues(_ attributes: [String: SpanAttribute]) -> [KeyValue] {
        attributes.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: value($0.value)) }
    }

    static func value(_ attribute: SpanAttribute) -> AnyValue {
        switch attribute {
        case .int32(let value): AnyValue(intValue: String(value))
        case .int64(let value): AnyValue(intValue: String(value))
        case .double(let value): AnyValue(doubleValue: value)
        case .bool(let value): AnyValue(boolValue: value)
        case .string(let value): AnyValue(stringValue: value)
        case .stringArray(let values): AnyValue(arrayValue: ArrayValue(values: values.map { AnyValue(stringValue: $0) }))
        case .int64Array(let values): AnyValue(arrayValue: ArrayValue(values: values.map { AnyValue(intValue: String($0)) }))
        default: AnyValue(stringValue: "\(attribute)")
        }
    }
}
