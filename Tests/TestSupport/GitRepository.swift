import Foundation

/// A bare Git repository of profiles in a scratch directory, changed by commits pushed from a
/// work clone with the real `git`, as a person pushing to a Git host would.
public struct GitRepository: Sendable {
    /// `DIR/profiles.git`: what `file://` URLs and `GitHTTPServer` serve.
    public let bare: String
    let work: String

    public var fileURL: String { "file://\(bare)" }

    public static func make(scratch: String) async throws -> GitRepository {
        let repository = GitRepository(bare: "\(scratch)/git/profiles.git", work: "\(scratch)/git-work")
        try await repository.git(["init", "--quiet", "--bare", "-b", "main", repository.bare], inWork: false)
        try await repository.git(["init", "--quiet", "-b", "main", repository.work], inWork: false)
        return repository
    }

    /// Writes (or, for nil, deletes) `files` (paths in the repository), commits and pushes to
    /// `main`; the new commit.
    @discardableResult
    public func commit(_ files: [String: String?], message: String = "profiles") async throws -> String {
        for (path, text) in files {
            let full = "\(work)/\(path)"
            if let text {
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: full, atomically: true, encoding: .utf8)
            } else {
                try FileManager.default.removeItem(atPath: full)
            }
        }
        try await git(["add", "--all"])
        try await git(["-c", "user.name=Pat Platform", "-c", "user.email=pat@example.com", "commit", "--quiet", "--allow-empty", "-m", message])
        try await git(["push", "--quiet", bare, "main"])
        return try await git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: [String], inWork: Bool = true) async throws -> String {
        let run = try await CommandRun.run("/usr/bin/git", (inWork ? ["-C", work] : []) + arguments)
        guard run.status == 0 else { throw GitFailure(description: "git \(arguments.joined(separator: " ")): \(run.stderr)") }
        return run.stdout
    }

    struct GitFailure: Error, CustomStringConvertible {
        var description: String
    }
}

/// `testbed/git-http-server`: the repository's directory over smart HTTP (git's own
/// `git http-backend`) on loopback, every request needing `Authorization: Bearer TOKEN`.
public final class GitHTTPServer: Sendable {
    public let url: String
    private let server: ReadyProcess

    /// The repository at `URL/profiles.git`.
    public static func start(serving repository: GitRepository, token: String, scratch: String) async throws -> GitHTTPServer {
        let tokenFile = "\(scratch)/git-server-token"
        try token.write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let server = try await ReadyProcess.start(
            "\(Testbed.root)/git-http-server",
            ["--root", (repository.bare as NSString).deletingLastPathComponent, "--token-file", tokenFile]
        )
        return GitHTTPServer(url: server.address + "/profiles.git", server: server)
    }

    private init(url: String, server: ReadyProcess) {
        self.url = url
        self.server = server
    }

    public func stop() { server.stop() }
}
