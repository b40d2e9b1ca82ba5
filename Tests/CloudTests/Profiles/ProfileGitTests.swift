import FleetAPI
import Foundation
import HTTPTypes
import Logging
import ServerSupport
import TestSupport
import Testing

@testable import cloud

/// Profiles kept in Git, read with the real `git` from a bare repository on disk (`file://`) or
/// over smart HTTP behind a token (`git http-backend`), applied to an in-process cloud's store.
@Suite("Profiles from Git", .tags(.integration))
struct ProfileGitTests {
    let cloud: InProcessCloud
    let scratch: String
    let repository: GitRepository

    init() async throws {
        cloud = try await InProcessCloud(apiTokens: RoleTokens.all)
        scratch = try Testbed.makeScratchDirectory()
        repository = try await GitRepository.make(scratch: scratch)
    }

    static func profile(_ name: String, env: String, version: String = "0.40.0") -> String {
        """
        name: \(name)
        selector: {matchLabels: {env: \(env)}}
        services:
          fluentbit: {chartVersion: \(version)}
        """
    }

    func sync(url: String? = nil, tokenFile: String? = nil, owner: String = "a", fleet: Fleet? = nil) -> ProfileGitSync {
        let configuration = ProfileRepository.Configuration(
            url: url ?? repository.fileURL,
            path: "profiles",
            tokenFile: tokenFile,
            cache: "\(scratch)/cache-\(owner)"
        )
        return ProfileGitSync(
            fleet: fleet ?? Fleet(supervisor: cloud.supervisor),
            repository: ProfileRepository(configuration: configuration),
            interval: .seconds(60),
            owner: owner,
            requests: Wakeup(),
            logger: Logger(label: "test")
        )
    }

    @Test("a commit's profiles are applied with the commit; a later commit's changes and deletions too; files elsewhere are not profiles")
    func commitsApplied() async throws {
        let first = try await repository.commit([
            "profiles/prod.yaml": Self.profile("prod", env: "prod"), "profiles/dev.yml": Self.profile("dev", env: "dev"),
            "README.md": "# profiles", "ci/pipeline.yaml": "not: a profile",
        ])
        let git = sync()
        let state = try #require(await git.sync())
        #expect(state.commit == first && state.error == nil && state.url == repository.fileURL)
        let stored = try await cloud.store.profiles()
        #expect(stored.map(\.name) == ["dev", "prod"] && stored.allSatisfy { $0.commit == first && $0.author == "git" })

        let second = try await repository.commit([
            "profiles/prod.yaml": Self.profile("prod", env: "prod", version: "0.58.1"), "profiles/dev.yml": nil,
        ])
        #expect(await git.sync()?.commit == second)
        #expect(try await cloud.store.profiles().map(\.name) == ["prod"])
        #expect(try await cloud.store.profileRevisions("prod").map(\.commit) == [second, first])
        #expect(try await cloud.store.profileRevisions("dev").first.map { $0.document == nil && $0.commit == second } == true)
        #expect(try await cloud.store.auditEntries(AuditQuery()).filter { $0.actor == Fleet.gitActor }.count == 4)

        // Fetched again with nothing new: nothing written.
        _ = await git.sync()
        #expect(try await cloud.store.profileRevisions("prod").count == 2)
    }

    @Test("the API refuses to change or delete a profile Git owns, and leaves others alone")
    func gitOwnedRefused() async throws {
        try await repository.commit(["profiles/prod.yaml": Self.profile("prod", env: "prod")])
        _ = await sync().sync()
        let put = try await cloud.router.request(
            .put,
            "/api/profile/prod",
            body: Data(Self.profile("prod", env: "prod", version: "0.58.1").utf8),
            token: RoleTokens.operatorToken
        )
        #expect(put.status == 409 && put.text.contains("kept in Git"), "\(put.text)")
        #expect(try await cloud.router.request(.delete, "/api/profile/prod", token: RoleTokens.operatorToken).status == 409)
        let other = try await cloud.router.request(
            .put,
            "/api/profile/dev",
            body: Data(Self.profile("dev", env: "dev").utf8),
            token: RoleTokens.operatorToken
        )
        #expect(other.status == 200, "\(other.text)")
    }

    @Test("a commit with a bad document applies nothing and names the file, field and line; the next good commit applies")
    func badCommitRefused() async throws {
        let good = try await repository.commit(["profiles/prod.yaml": Self.profile("prod", env: "prod")])
        let git = sync()
        _ = await git.sync()
        let bad = try await repository.commit([
            "profiles/prod.yaml": Self.profile("prod", env: "prod", version: "0.58.1"),
            "profiles/broken.yaml": "name: broken\nselector: {matchLabels: {env: prod}}\nservices:\n  fluentbit: {chartVerzion: 1.0.0}\n",
        ])
        let state = try #require(await git.sync())
        #expect(state.commit == good && state.failedCommit == bad)
        #expect(state.error?.contains("profiles/broken.yaml: services.fluentbit.chartVerzion (line 4)") == true, "\(String(describing: state.error))")
        #expect(try await cloud.store.profileRevisions("prod").count == 1)

        let fixed = try await repository.commit(["profiles/broken.yaml": nil])
        #expect(await git.sync().map { $0.commit == fixed && $0.error == nil } == true)
        #expect(try await cloud.store.profileRevisions("prod").count == 2)
    }

    @Test("over HTTP the repository needs its token: without it nothing is applied and the error says why; the token is never in the error")
    func httpWithToken() async throws {
        let commit = try await repository.commit(["profiles/prod.yaml": Self.profile("prod", env: "prod")])
        let token = "git-token-\(UUID().uuidString)"
        let server = try await GitHTTPServer.start(serving: repository, token: token, scratch: scratch)
        defer { server.stop() }
        let wrong = "\(scratch)/wrong-token"
        try "not-the-token".write(toFile: wrong, atomically: true, encoding: .utf8)
        let refused = try #require(await sync(url: server.url, tokenFile: wrong, owner: "b").sync())
        #expect(refused.commit == nil && refused.error?.contains("git fetch") == true, "\(String(describing: refused.error))")
        #expect(try await cloud.store.profiles().isEmpty)

        let right = "\(scratch)/right-token"
        try token.write(toFile: right, atomically: true, encoding: .utf8)
        let applied = try #require(await sync(url: server.url, tokenFile: right, owner: "b").sync())
        #expect(applied.commit == commit && applied.error == nil, "\(String(describing: applied.error))")
        #expect(!(applied.error ?? "").contains(token) && !(refused.error ?? "").contains(token))
        #expect(try await cloud.store.profiles().map(\.name) == ["prod"])
    }

    @Test("two cloud servers sharing the database apply a commit once: only the lease holder syncs", arguments: StoreBackend.available)
    func oneSyncer(backend: StoreBackend) async throws {
        try await repository.commit(["profiles/prod.yaml": Self.profile("prod", env: "prod")])
        let database = try await StoreDatabase.make(backend)
        var syncs: [ProfileGitSync] = []
        for owner in ["a", "b"] {
            let store = try await database.open()
            let supervisor = Supervisor(
                store: store,
                pool: ProvisionerPool(urls: []),
                configuration: .init(),
                owner: owner,
                logger: Logger(label: "test")
            )
            syncs.append(sync(owner: owner, fleet: Fleet(supervisor: supervisor)))
        }
        async let first = syncs[0].sync()
        async let second = syncs[1].sync()
        let results = await [first, second]
        #expect(results.compactMap { $0 }.count == 1)
        #expect(try await database.open().profileRevisions("prod").count == 1)
    }
}
