import FleetAPI
import Foundation

extension CLIClient {
    /// Where the event log is now: changes after it are what a wait follows. nil when the server
    /// has no event log (an older one): waits then ask again every second instead.
    func eventCursor() async -> Int64? {
        guard let data = try? await call("GET", "/api/events") else { return nil }
        return (try? WireJSON.decoder().decode(EventRoutes.Batch.self, from: data))?.lastEventID
    }

    /// Returns once an event about `object` arrives after `cursor` (a long poll of the event log),
    /// or by `deadline`; the cursor to follow on from.
    func change(of object: String, after cursor: Int64?, by deadline: ContinuousClock.Instant) async throws -> Int64? {
        let left = Int((deadline - ContinuousClock.now).components.seconds)
        guard let cursor, left > 0 else {
            try await Task.sleep(for: .seconds(1))
            return cursor
        }
        var path = URLComponents()
        path.path = "/api/events"
        path.queryItems = [
            URLQueryItem(name: "after", value: "\(cursor)"), URLQueryItem(name: "object", value: object),
            URLQueryItem(name: "wait", value: "\(min(left, 25))"),
        ]
        let batch = try WireJSON.decoder().decode(EventRoutes.Batch.self, from: try await call("GET", path.string ?? "/api/events"))
        return batch.lastEventID
    }

    /// Follows a deployment until it is final; its last answer, decoded and as sent. Past
    /// `deadline` it fails, naming the deployment as `what` (e.g. "the plan X") and the time waited.
    func finalDeployment(_ id: String, by deadline: ContinuousClock.Instant, waited: String, what: String) async throws -> (Deployment, Data) {
        var cursor = await eventCursor()
        while true {
            let data = try await call("GET", "/api/deployment/\(id)")
            let current = try WireJSON.decoder().decode(Deployment.self, from: data)
            if current.state.isFinal { return (current, data) }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "\(what) still \(current.state.rawValue) after \(waited)")
            }
            cursor = try await change(of: id, after: cursor, by: deadline)
        }
    }
}
