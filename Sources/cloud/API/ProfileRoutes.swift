import FleetAPI
import Foundation
import Hummingbird
import ServerSupport

/// Fleet profiles: apply (a YAML or JSON document), list, read with their revisions, delete.
/// Applying checks the document field by field, the services and chart versions against what the
/// provisioners offer, and refuses a profile that would set a service another sets on the same clusters at the
/// same priority.
struct ProfileRoutes: Sendable {
    let fleet: Fleet
    /// Wakes the Git sync (`POST /api/profiles/sync`); nil when the server follows no repository.
    var gitSync: Wakeup?

    func add(to router: Router<CloudRequestContext>) {
        router.get("/api/profiles", use: list)
        router.put("/api/profile/:name", use: apply)
        router.get("/api/profile/:name", use: get)
        router.delete("/api/profile/:name", use: delete)
        router.get("/api/profile/:name/status", use: status)
        router.post("/api/profiles/plan", use: plan)
        router.get("/api/profiles/sync", use: syncState)
        router.post("/api/profiles/sync", use: sync)
    }

    /// A profile as listed: its current revision and how many clusters it selects now.
    struct Summary: Codable, Sendable, Equatable {
        var name: String
        var revision: Int
        var author: String?
        var commit: String?
        var createAt: Int64
        var clusters: Int
    }

    /// One profile: the current document and every revision (without their documents).
    struct Detail: Codable, Sendable, Equatable {
        var name: String
        var revision: Int
        var document: String
        var clusters: [String]
        var revisions: [ProfileRevision]
    }

    /// The document read and checked as applying it checks it: field by field, the services
    /// against the provisioners', and against the other profiles for conflicts.
    private func checked(_ text: String, clusters: [ValuesTemplate.ClusterFacts], profiles: [Profile]) async throws -> Profile {
        let known = await fleet.services.published
        let profile: Profile
        do {
            profile = try Profile(document: text, services: known)
            try await fleet.chartVersions.check(profile, document: text)
        } catch {
            throw APIError.badRequest(error.description, field: error.field)
        }
        let others = profiles.filter { $0.name != profile.name }
        if let conflict = ProfileEvaluation.conflict(of: profile, with: others, clusters: clusters) {
            throw APIError(.conflict, conflict.description)
        }
        return profile
    }

    @Sendable func apply(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let text = try await JSONRequest.text(from: request)
        let clusters = try await fleet.clusterFacts()
        let profile = try await checked(text, clusters: clusters, profiles: try await fleet.currentProfiles().map(\.profile))
        guard profile.name == name else {
            throw APIError.badRequest("name \"\(profile.name)\" is not the profile in the path (\(name))", field: "name")
        }
        try await refuseIfGitOwned(name)
        let saved = try await context.audit.recording(targets: [name], status: .ok) { entry in
            try await fleet.store.saveProfile(
                name: name,
                document: text,
                author: context.caller.name,
                commit: nil,
                at: fleet.clock.millisecondsSince1970,
                audit: entry
            )
        }
        fleet.profileChanges.wake()
        let matching = clusters.filter { profile.selector.matches($0.labels) }.count
        return try JSONResponse.make(
            .ok,
            Summary(name: name, revision: saved.revision, author: saved.author, commit: saved.commit, createAt: saved.createAt, clusters: matching)
        )
    }

    @Sendable func list(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let clusters = try await fleet.clusterFacts()
        let summaries = try await fleet.store.profiles().map { revision in
            let selector = (try? Profile(document: revision.document ?? ""))?.selector
            return Summary(
                name: revision.name,
                revision: revision.revision,
                author: revision.author,
                commit: revision.commit,
                createAt: revision.createAt,
                clusters: selector.map { selector in clusters.filter { selector.matches($0.labels) }.count } ?? 0
            )
        }
        return try JSONResponse.make(.ok, summaries)
    }

    @Sendable func get(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let revisions = try await fleet.store.profileRevisions(name)
        guard let latest = revisions.first, let document = latest.document else { throw APIError(.notFound, "profile \(name) not found") }
        let selector = (try? Profile(document: document))?.selector
        let clusters = try await fleet.clusterFacts().filter { selector?.matches($0.labels) ?? false }.map(\.id)
        let history = revisions.map { revision in
            var revision = revision
            revision.document = nil
            return revision
        }
        return try JSONResponse.make(.ok, Detail(name: name, revision: latest.revision, document: document, clusters: clusters, revisions: history))
    }

    /// Per cluster and service: in sync, rolling out, failed, drifted, waiting for the window.
    @Sendable func status(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let reconciliation = try await fleet.profileReconciliation()
        guard let current = reconciliation.profiles.first(where: { $0.profile.name == name }) else {
            throw APIError(.notFound, "profile \(name) not found")
        }
        return try JSONResponse.make(.ok, try await fleet.status(of: current, in: reconciliation, drift: try await fleet.driftByCluster()))
    }

    /// What applying the document would change, by cluster and wave; changes nothing. With
    /// `?diff=true`, each install and upgrade is also planned by a provisioner.
    @Sendable func plan(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let diff = request.uri.queryParameters.get("diff")
        guard diff == nil || diff == "true" || diff == "false" else { throw APIError.badRequest("diff must be true or false", field: "diff") }
        let text = try await JSONRequest.text(from: request)
        let reconciliation = try await fleet.profileReconciliation()
        let profile = try await checked(text, clusters: reconciliation.clusters, profiles: reconciliation.profiles.map(\.profile))
        return try JSONResponse.make(.ok, try await fleet.plan(profile, in: reconciliation, diffs: diff == "true" ? context.audit : nil))
    }

    @Sendable func delete(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let name = try context.parameters.require("name")
        try await refuseIfGitOwned(name)
        try await context.audit.recording(targets: [name], status: .noContent) { entry in
            try await fleet.store.deleteProfile(
                name: name,
                author: context.caller.name,
                commit: nil,
                at: fleet.clock.millisecondsSince1970,
                audit: entry
            )
        }
        fleet.profileChanges.wake()
        return Response(status: .noContent)
    }

    /// A profile applied from Git is changed in Git: the next commit would undo the API's change.
    private func refuseIfGitOwned(_ name: String) async throws {
        guard let latest = try await fleet.store.profileRevisions(name).first, latest.document != nil, let commit = latest.commit else { return }
        throw APIError(.conflict, "profile \(name) is kept in Git (commit \(commit.prefix(12))); change it there")
    }

    /// Where the Git repository of profiles stands.
    @Sendable func syncState(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard gitSync != nil else { throw APIError(.notFound, "the cloud server follows no Git repository of profiles (--profiles-git)") }
        guard let state = try await fleet.store.profileSource(ProfileGitSync.source) else {
            throw APIError(.notFound, "the Git repository of profiles has not been read yet")
        }
        return try JSONResponse.make(.ok, state)
    }

    /// Asks for a sync now; 202, the sync runs on its own (`GET /api/profiles/sync` says how it went).
    @Sendable func sync(_ request: Request, context: CloudRequestContext) async throws -> Response {
        guard let gitSync else { throw APIError(.conflict, "the cloud server follows no Git repository of profiles (--profiles-git)") }
        gitSync.wake()
        return Response(status: .accepted)
    }
}
