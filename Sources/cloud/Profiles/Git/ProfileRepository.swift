import ChildProcess
import FleetAPI
import Foundation

/// The Git repository profiles are kept in, read with the real `git`: fetched into a bare cache
/// repository (no work tree, so no checkout and no hook ever runs), then each profile document at
/// the fetched commit read as a blob. A token goes to git in its environment, never on its
/// command line, where other users of the host could read it.
struct ProfileRepository: Sendable {
    struct Configuration: Sendable {
        /// `https://...`, `http://...`, `file:///...`, or `ssh://...` / `git@host:path`.
        var url: String
        /// The branch (or tag) followed.
        var ref = "main"
        /// The directory in the repository whose `.yaml`, `.yml` and `.json` files are profiles.
        var path = "."
        /// Sent as `Authorization: Bearer` over HTTP(S).
        var tokenFile: String?
        /// An SSH deploy key, for `ssh://` and `git@host:path` URLs.
        var sshKey: String?
        /// Where the bare cache repository is kept.
        var cache: String
        var git = "/usr/bin/git"
        /// Each git command's deadline.
        var timeout: Duration = .seconds(60)
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// One profile document at a commit.
    struct Document: Sendable, Equatable {
        var path: String
        var text: String
    }

    static let maxDocumentBytes = 1 << 20

    let configuration: Configuration
    let runner = ProcessRunner(gracePeriod: .seconds(2), outputLimit: 8 << 20)

    /// The URL as logs and pages show it: without any user or password in it.
    var shownURL: String { Self.withoutUserInfo(configuration.url) }

    /// Fetches the followed ref; the commit it points at.
    func fetch() async throws(Failure) -> String {
        if !FileManager.default.fileExists(atPath: "\(configuration.cache)/HEAD") {
            try FileManager.default.createDirectoryOrFail(configuration.cache)
            _ = try await git(["init", "--bare", "--quiet", configuration.cache], inCache: false)
        }
        _ = try await git(
            ["fetch", "--quiet", "--no-tags", "--depth=1", "--", configuration.url, "+\(configuration.ref):refs/profiles/head"],
            remote: true
        )
        return try await fetchedCommit()
    }

    private func fetchedCommit() async throws(Failure) -> String {
        try await git(["rev-parse", "--verify", "refs/profiles/head^{commit}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The profile documents under `path` at `commit`, by path.
    func documents(at commit: String) async throws(Failure) -> [Document] {
        let prefix = Self.normalized(configuration.path)
        let listing = try await git(["ls-tree", "-r", "-l", "-z", "--full-tree", commit, "--", prefix.isEmpty ? "." : prefix])
        var documents: [Document] = []
        for entry in listing.split(separator: "\0") {
            // "<mode> blob <object> <size>\t<path>"
            guard let tab = entry.firstIndex(of: "\t") else { continue }
            let fields = entry[..<tab].split(separator: " ", omittingEmptySubsequences: true)
            let path = String(entry[entry.index(after: tab)...])
            guard fields.count == 4, fields[1] == "blob", [".yaml", ".yml", ".json"].contains(where: path.hasSuffix) else { continue }
            guard let size = Int(fields[3]), size <= Self.maxDocumentBytes else {
                throw Failure(description: "\(path) at \(commit.prefix(12)) is over 1 MiB")
            }
            documents.append(Document(path: path, text: try await git(["cat-file", "blob", String(fields[2])])))
        }
        return documents
    }

    /// - Parameter remote: it reaches the repository: only then does git get the credentials.
    private func git(_ arguments: [String], inCache: Bool = true, remote: Bool = false) async throws(Failure) -> String {
        let spec = ProcessSpec(
            executable: configuration.git,
            arguments: (inCache ? ["-C", configuration.cache] : []) + arguments,
            environment: try environment(remote: remote)
        )
        let result: ProcessResult
        do {
            result = try await runner.run(spec, deadline: .now + configuration.timeout)
        } catch {
            throw Failure(description: "git \(arguments.first ?? ""): \(error)")
        }
        guard result.status.succeeded, result.terminatedBy == nil else {
            let why = result.terminatedBy.map { "\($0)" } ?? result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
            throw Failure(description: "git \(arguments.first ?? "") \(shownURL): \(Self.withoutUserInfo(why))")
        }
        return result.stdout
    }

    /// Nothing of the server's own environment or of a user's git configuration: what git reads
    /// is what this says. The token is read for a fetch only, each time, so a rotated one is used.
    private func environment(remote: Bool) throws(Failure) -> [String: String] {
        var environment = [
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": configuration.cache, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null",
            "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C",
        ]
        var settings: [(String, String)] = [("protocol.allow", "never")]
        settings += ["https", "http", "file", "ssh"].map { ("protocol.\($0).allow", "always") }
        if remote, let file = configuration.tokenFile {
            guard let token = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), !token.isEmpty
            else { throw Failure(description: "cannot read a token from \(file)") }
            settings.append(("http.extraHeader", "Authorization: Bearer \(token)"))
        }
        if remote, let key = configuration.sshKey {
            environment["GIT_SSH_COMMAND"] = "ssh -i '\(key)' -o IdentitiesOnly=yes -o BatchMode=yes"
        }
        environment["GIT_CONFIG_COUNT"] = String(settings.count)
        for (index, (key, value)) in settings.enumerated() {
            environment["GIT_CONFIG_KEY_\(index)"] = key
            environment["GIT_CONFIG_VALUE_\(index)"] = value
        }
        return environment
    }

    static func normalized(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }

    /// `https://user:secret@host/x` as `https://host/x`, in a URL or in a message quoting one.
    static func withoutUserInfo(_ text: String) -> String {
        text.replacing(/(?<scheme>[a-z][a-z0-9+.-]*:\/\/)[^\/@\s]*@/) { "\($0.scheme)" }
    }
}

extension FileManager {
    fileprivate func createDirectoryOrFail(_ path: String) throws(ProfileRepository.Failure) {
        do {
            try createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ProfileRepository.Failure(description: "cannot make the profile repository's cache \(path): \(error)")
        }
    }
}
