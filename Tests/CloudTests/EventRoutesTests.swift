import FleetAPI
import Foundation
import HTTPTypes
import ServerSupport
import Synchronization
import TestSupport
import Testing

@testable import cloud

/// `GET /api/events` as JSON batches, in-process: resuming after an ID, filters, the long poll,
/// and the refusals. The stream itself is tested against a real server in `EventStreamTests`.
@Suite("Event API")
struct EventRoutesTests {
    let store: SQLStore
    let router: InProcessRouter<CloudRequestContext>

    init() async throws {
        let cloud = try await InProcessCloud(apiTokens: nil)
        (store, router) = (cloud.store, cloud.router)
    }

    func register(_ name: String) async throws -> Cluster {
        try await router.post("/api/clusters", json: ["Name": .string(name), "Kubeconfig": .string(KubeconfigSamples.make())] as JSONValue)
            .decode(Cluster.self)
    }

    func batch(_ path: String, headers: HTTPFields = [:]) async throws -> EventRoutes.Batch {
        let reply = try await router.request(.get, path, headers: headers)
        #expect(reply.status == 200, "\(reply.text)")
        return try reply.decode(EventRoutes.Batch.self)
    }

    @Test("events after an ID come oldest first with the ID to resume after")
    func resumesAfterID() async throws {
        let first = try await register("a")
        let second = try await register("b")
        let all = try await batch("/api/events?after=0")
        #expect(all.events.map(\.objectID) == [first.id, second.id])
        #expect(all.events.map(\.type) == ["cluster.created", "cluster.created"])
        #expect(all.lastEventID == all.events[1].id)
        let rest = try await batch("/api/events", headers: [HTTPField.Name("Last-Event-ID")!: "\(all.events[0].id)"])
        #expect(rest.events.map(\.objectID) == [second.id])
    }

    @Test("without a starting ID a batch starts from now")
    func startsFromNow() async throws {
        _ = try await register("a")
        let now = try await batch("/api/events")
        let latest = try await store.latestEventID()
        #expect(now.events.isEmpty && now.lastEventID == latest)
    }

    @Test("a filter by type and object passes only those, and the resume ID still moves past the rest")
    func filters() async throws {
        let cluster = try await register("a")
        _ = try await register("b")
        let none = try await batch("/api/events?after=0&types=rollout.*,deployment.failed")
        #expect(none.events.isEmpty && none.lastEventID > 0)
        let one = try await batch("/api/events?after=0&types=cluster.*&object=\(cluster.id)")
        #expect(one.events.map(\.objectID) == [cluster.id])
    }

    @Test("a long poll answers as soon as an event is written, before its wait is over")
    func longPoll() async throws {
        let clock = ManualClock()
        let cloud = try await InProcessCloud(clock: clock)
        let start = try await cloud.router.request(.get, "/api/events").decode(EventRoutes.Batch.self).lastEventID
        async let waited = cloud.router.request(.get, "/api/events?after=\(start)&wait=30")
        await clock.waitForSleepers()
        let cluster = try await cloud.router.post(
            "/api/clusters",
            json: ["Name": "late", "Kubeconfig": .string(KubeconfigSamples.make())] as JSONValue
        ).decode(Cluster.self)
        clock.advance(by: .milliseconds(500))
        #expect(try await waited.decode(EventRoutes.Batch.self).events.map(\.objectID) == [cluster.id])
    }

    @Test("a long poll with nothing new answers an empty batch when its wait is over, and not before")
    func longPollEnds() async throws {
        let clock = ManualClock()
        let cloud = try await InProcessCloud(clock: clock)
        let start = try await cloud.router.request(.get, "/api/events").decode(EventRoutes.Batch.self).lastEventID
        let answered = Atomic(false)
        async let waited = { () async throws -> ServerProcess.Reply in
            defer { answered.store(true, ordering: .relaxed) }
            return try await cloud.router.request(.get, "/api/events?after=\(start)&wait=30")
        }()
        for _ in 0..<59 {
            await clock.waitForSleepers()
            let early = answered.load(ordering: .relaxed)
            #expect(!early)
            clock.advance(by: .milliseconds(500))
        }
        await clock.waitForSleepers()
        clock.advance(by: .milliseconds(500))
        let batch = try await waited.decode(EventRoutes.Batch.self)
        #expect(batch.events.isEmpty && batch.lastEventID == start)
    }

    @Test(
        "bad parameters are refused with 400 naming them",
        arguments: [
            ("/api/events?types=rollout.halt", [:], "types"),
            ("/api/events?types=nope.*", [:], "types"),
            ("/api/events?wait=31", [:], "wait"),
            ("/api/events?wait=-1", [:], "wait"),
            ("/api/events?after=x", [:], "after"),
            ("/api/events", ["Last-Event-ID": "-3"], "Last-Event-ID"),
        ] as [(String, [String: String], String)]
    )
    func refusals(_ path: String, _ headers: [String: String], _ field: String) async throws {
        var fields = HTTPFields()
        for (name, value) in headers { fields[HTTPField.Name(name)!] = value }
        let reply = try await router.request(.get, path, headers: fields)
        #expect(reply.status == 400)
        #expect(reply.error?.field == field, "\(reply.text)")
    }
}
