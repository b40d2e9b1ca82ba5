import FleetAPI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ServerSupport
import ServiceLifecycle

/// `GET /api/events`: the fleet's changes from the event log. A client that accepts
/// `text/event-stream` gets Server-Sent Events until it leaves; any other gets a JSON batch (a
/// long poll of up to `wait` seconds), which is what the CLI follows. Both resume after
/// `Last-Event-ID` (or `?after=`) from the database, so a reconnect to any server misses nothing.
struct EventRoutes: Sendable {
    let store: any EventStore
    var clock: any WallClock = SystemClock()
    var poll: Duration = .milliseconds(500)
    /// A comment line this often keeps proxies from closing a quiet stream.
    var heartbeat: Duration = .seconds(15)
    static let batch = 500
    static let maxWaitSeconds = 30

    func add(to router: Router<CloudRequestContext>) {
        router.get("/api/events", use: events)
    }

    /// A JSON batch: the events after the given ID that pass the filter, and the ID to ask after
    /// next (the last one read, even if filtered out).
    struct Batch: Codable, Sendable {
        var events: [FleetEvent]
        var lastEventID: Int64
    }

    @Sendable func events(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = try EventFilter.parse(query.get("types"), objectID: query.get("object"), field: "types")
        let after = try Self.resumeID(request)
        var start = after ?? 0
        if after == nil { start = try await store.latestEventID() }
        if request.headers[.accept]?.contains("text/event-stream") == true {
            return stream(from: start, filter: filter)
        }
        var wait = 0
        if let text = query.get("wait") {
            guard let seconds = Int(text), (0...Self.maxWaitSeconds).contains(seconds) else {
                throw APIError.badRequest("wait must be a whole number of seconds from 0 to \(Self.maxWaitSeconds)", field: "wait")
            }
            wait = seconds
        }
        let deadline = clock.now + .seconds(wait)
        var batch = Batch(events: [], lastEventID: start)
        while true {
            let read = try await store.events(after: batch.lastEventID, limit: Self.batch)
            batch.lastEventID = read.last?.id ?? batch.lastEventID
            batch.events += read.filter(filter.matches)
            if !batch.events.isEmpty || read.count == Self.batch || clock.now >= deadline || Task.isShuttingDownGracefully {
                return try JSONResponse.make(.ok, batch)
            }
            try await clock.sleep(for: poll)
        }
    }

    /// `Last-Event-ID` (as EventSource sends it on a reconnect) or `?after=`; nil for "from now".
    static func resumeID(_ request: Request) throws -> Int64? {
        var after: Int64?
        if let text = request.uri.queryParameters.get("after") {
            guard let id = Int64(text), id >= 0 else { throw APIError.badRequest("after must be an event ID", field: "after") }
            after = id
        }
        // A reconnecting EventSource sends the header; it wins over the URL it was first opened with.
        if let header = request.headers[HTTPField.Name("Last-Event-ID")!] {
            guard let id = Int64(header), id >= 0 else { throw APIError.badRequest("Last-Event-ID must be an event ID", field: "Last-Event-ID") }
            return id
        }
        return after
    }

    private func stream(from start: Int64, filter: EventFilter) -> Response {
        let (store, clock, poll, heartbeat) = (store, clock, poll, heartbeat)
        let body = ResponseBody { writer in
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            var last = start
            var quietSince = clock.now
            // Ends when the client leaves (the write throws) or the server stops gracefully.
            while !Task.isCancelled, !Task.isShuttingDownGracefully {
                let read = try await store.events(after: last, limit: Self.batch)
                var out = ""
                for event in read where filter.matches(event) { out += try Self.frame(event) }
                last = read.last?.id ?? last
                if out.isEmpty, clock.now - quietSince >= heartbeat { out = ": keep-alive\n\n" }
                if !out.isEmpty {
                    try await writer.write(ByteBuffer(string: out))
                    quietSince = clock.now
                }
                if read.count < Self.batch { try? await clock.sleep(for: poll) }
            }
            try await writer.finish(nil)
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPField.Name("X-Accel-Buffering")!: "no"],
            body: body
        )
    }

    /// One event as an SSE frame; the type is in the JSON, so one `onmessage` takes them all.
    static func frame(_ event: FleetEvent) throws -> String {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return "id: \(event.id)\ndata: \(String(decoding: try encoder.encode(event), as: UTF8.self))\n\n"
    }
}
