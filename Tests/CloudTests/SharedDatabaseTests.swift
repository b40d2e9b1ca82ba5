import FleetAPI
import Foundation
import TestSupport
import Testing

@testable import cloud

/// Several cloud servers on one PostgreSQL database, dividing the work with leases.
@Suite("Cloud servers sharing one database", .serialized, .tags(.integration), .skippedInFastRuns)
struct SharedDatabaseTests {
    static let clusters = 10

    @Test(
        "two servers, one SIGKILLed mid-way: all 30 deployments succeed, none runs twice at once, none is lost",
        .enabled(if: PostgresServer.isInstalled, Comment(rawValue: PostgresServer.notInstalled))
    )
    func twoServersOneKilled() async throws {
        let scratch = try Testbed.makeScratchDirectory()
        let emulators = try await (0..<Self.clusters).asyncMap { _ in try await KubeEmulator.start(readyAfter: 2, scratch: scratch) }
        let provisioners = try await (0..<2).asyncMap { _ in try await ServerProcess.provisioner(scratch: scratch) }
        let database = try await StoreDatabase.make(.postgres)
        let first = try await ServerProcess.cloudServer(database: database.location, provisioners: provisioners.map(\.baseURL))
        let second = try await ServerProcess.cloudServer(database: database.location, provisioners: provisioners.map(\.baseURL))
        defer {
            for server in [first, second] { server.stop() }
            for server in provisioners { server.stop() }
            for server in emulators { server.stop() }
            try? FileManager.default.removeItem(atPath: scratch)
        }

        var created: [Deployment] = []
        for (index, emulator) in emulators.enumerated() {
            let server = index.isMultiple(of: 2) ? first : second
            let cluster = try await server.request(
                "POST",
                "/api/clusters",
                body: try WireJSON.encoder().encode(
                    ["Name": "c\(index)", "Kubeconfig": emulator.kubeconfig])
            ).decode(Cluster.self)
            let versions: JSONValue = [
                "utility-versions": ["nginx": ["Chart": "4.15.1"], "fluentbit": ["Chart": "0.40.0"], "prometheus": ["Chart": "25.18.0"]]
            ]
            created += try await server.request("POST", "/api/cluster/\(cluster.id)/provision", body: try WireJSON.encoder().encode(versions))
                .decode([Deployment].self)
        }
        #expect(created.count == 30)

        try await waitUntil(second) { deployments in deployments.filter { $0.state == .running }.count >= 4 }
        let owners = try await database.sql("SELECT COUNT(DISTINCT lease_owner) FROM deployments WHERE lease_owner IS NOT NULL")
        #expect(owners.first?.first == .integer(2), "both servers hold work when one is killed")
        first.signal(SIGKILL)
        let final = try await waitUntil(second) { deployments in deployments.allSatisfy(\.state.isFinal) }

        #expect(final.count == 30)
        #expect(final.allSatisfy { $0.state == .succeeded }, "\(final.filter { $0.state != .succeeded }.map { ($0.id, $0.state, $0.error ?? "") })")

        // What the provisioners ran: every attempt of one deployment, in start order, ended before the next began.
        var attempts: [String: [DeploymentStatus]] = [:]
        for provisioner in provisioners {
            for status in try await provisioner.request("GET", "/api/deployments").decode([DeploymentStatus].self) {
                attempts[Supervisor.deploymentID(fromProvisionerID: status.id), default: []].append(status)
            }
        }
        for (id, runs) in attempts {
            let started = runs.filter { $0.startAt > 0 }.sorted { $0.startAt < $1.startAt }
            for (earlier, later) in zip(started, started.dropFirst()) {
                #expect(earlier.endAt <= later.startAt, "deployment \(id): attempts \(earlier.id) and \(later.id) overlapped")
            }
        }
        for deployment in final {
            let held = attempts[deployment.id]?.first { $0.id == deployment.provisionerDeploymentID }
            #expect(held?.state == .succeeded, "deployment \(deployment.id): its recorded attempt did not succeed on a provisioner")
        }
    }

    @discardableResult
    func waitUntil(_ server: ServerProcess, timeout: Duration = .seconds(180), _ done: ([Deployment]) -> Bool) async throws -> [Deployment] {
        var deployments: [Deployment] = []
        let arrived = try await eventually(timeout: timeout, every: .milliseconds(250)) {
            deployments = try await server.request("GET", "/api/deployments?per_page=100").decode([Deployment].self)
            return done(deployments)
        }
        guard arrived else { throw ServerProcess.StartFailure(log: "deployments did not get there within \(timeout)") }
        return deployments
    }
}
