import FleetAPI
import Foundation
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// The event log, on both backends: each change writes its events in its own transaction, and
/// a reader that resumes after the last ID it saw misses none, even with two servers writing.
extension StoreTests {
    @Test("every change writes its event with it, in commit order; a change that fails writes none", arguments: backends)
    func changesWriteEvents(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let created = deployment(registered, "nginx", at: 2)
        try await store.createDeployments([created], desiredVersions: nil)
        try await store.updateDeployment(created.id) { $0.state = .dispatched }
        try await store.updateDeployment(created.id) { $0.log.append("no state change: no event") }
        await #expect(throws: APIError.self) {
            try await store.updateDeployment(created.id) {
                $0.state = .failed
                throw APIError.conflict("no")
            }
        }
        try await store.updateUtilities(ofCluster: registered.id) {
            $0.drift = ["nginx": DriftStatus(state: .drifted, reasons: ["Deployment/nginx deleted"], checkedAt: 3)]
        }
        try await store.updateUtilities(ofCluster: registered.id) {
            $0.drift = ["nginx": DriftStatus(state: .inSync, reasons: [], checkedAt: 4)]
        }

        let events = try await store.events(after: 0, limit: 100)
        #expect(events.map(\.type) == ["cluster.created", "deployment.requested", "deployment.dispatched", "drift.detected", "drift.resolved"])
        #expect(events.map(\.id) == events.map(\.id).sorted() && Set(events.map(\.id)).count == events.count)
        #expect(events[2].objectID == created.id && events[2].clusterID == registered.id && events[2].service == "nginx")
        #expect(events[3].summary.contains("Deployment/nginx deleted"))
        #expect(try await store.events(after: events[2].id, limit: 1).map(\.type) == ["drift.detected"])
        #expect(try await store.latestEventID() == events.last?.id)
    }

    @Test(
        "a deployment's change and the change to its cluster's utilities it returns are written in one transaction, events of both in order",
        arguments: backends
    )
    func deploymentAndUtilitiesTogether(_ backend: StoreBackend) async throws {
        let (store, registered) = try await storeWithCluster(backend)
        let created = deployment(registered, "nginx", at: 2)
        try await store.createDeployments([created], desiredVersions: nil)
        // The utilities change fails (its cluster is not there) after the deployment was written:
        // neither is kept.
        await #expect(throws: StoreError.notFound("cluster nope")) {
            try await store.updateDeployment(created.id, audit: nil) { deployment -> UtilitiesChange? in
                deployment.state = .succeeded
                deployment.clusterID = "nope"
                return { $0.actualVersions["nginx"] = .some(UtilityVersion(chart: "4.15.1")) }
            }
        }
        #expect(try await store.deployment(created.id)?.state == .requested)
        #expect(try await store.cluster(registered.id)?.utilities.actualVersions["nginx"] == nil)

        try await store.updateDeployment(created.id, audit: nil) { deployment -> UtilitiesChange? in
            deployment.state = .succeeded
            return { $0.actualVersions["nginx"] = .some(UtilityVersion(chart: "4.15.1")) }
        }
        #expect(try await store.cluster(registered.id)?.utilities.actualVersions["nginx"] == .some(UtilityVersion(chart: "4.15.1")))
        #expect(try await store.deployment(created.id)?.state == .succeeded)
        let events = try await store.events(after: 0, limit: 100)
        #expect(events.map(\.type) == ["cluster.created", "deployment.requested", "deployment.succeeded", "cluster.updated"])
    }

    @Test("a reader following the log while two stores write at once sees every event", arguments: backends)
    func followingMissesNothing(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let (first, second) = (try await database.open(), try await database.open())
        let registered = cluster()
        try await first.createCluster(registered, kubeconfig: .inline("k"))
        let deployments = (0..<20).map { deployment(registered, ServiceName("svc\($0)"), at: Int64($0)) }
        try await first.createDeployments(deployments, desiredVersions: nil)

        let seen = try await withThrowingTaskGroup(of: [Int64].self) { group in
            // Every deployment moves on at once, half through each store, so commits overlap.
            for (number, deployment) in deployments.enumerated() {
                let store = number.isMultiple(of: 2) ? first : second
                group.addTask {
                    for state in [CloudDeploymentState.dispatched, .running, .succeeded] {
                        try await store.updateDeployment(deployment.id) { $0.state = state }
                    }
                    return []
                }
            }
            // The reader: resumes after the last ID it saw, as the stream and the CLI do.
            group.addTask {
                var seen: [Int64] = []
                var last: Int64 = 0
                for _ in 0..<2000 {
                    let read = try await second.events(after: last, limit: 7)
                    seen += read.map(\.id)
                    last = read.last?.id ?? last
                    if read.isEmpty { try await Task.sleep(for: .milliseconds(2)) }
                    if seen.count >= 1 + deployments.count * 4, read.isEmpty { break }
                }
                return seen
            }
            var all: [Int64] = []
            for try await ids in group { all += ids }
            return all
        }
        let written = try await first.events(after: 0, limit: 10_000).map(\.id)
        #expect(seen == written, "a resumed read skipped an event that committed after a later one")
    }

    @Test("pruning keeps the last day's events and the newest ones whatever their age", arguments: backends)
    func pruningKeepsRecent(_ backend: StoreBackend) async throws {
        let database = try await StoreDatabase.make(backend)
        let store = try await database.open()
        try await store.recordEvents((0..<5).map { FleetEvent.provisionerHealth("http://p\($0)", healthy: true) })
        let ids = try await store.events(after: 0, limit: 10).map(\.id)
        try await database.sql("UPDATE events SET time = 0 WHERE id <= $1", [.integer(ids[3])])

        #expect(try await store.pruneEvents(before: 1, keep: 2) == 3, "the two newest stay although one is old")
        #expect(try await store.events(after: 0, limit: 10).map(\.id) == Array(ids.suffix(2)))
        #expect(try await store.pruneEvents(before: 1, keep: 0) == 1, "the old one goes once it is not among the newest kept")
    }
}
