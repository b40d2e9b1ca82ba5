import Foundation
import HelmDriver

/// `testbed/oci-registry`: Debian's docker-registry on loopback, over plain HTTP, optionally behind
/// basic auth; charts go in with the testbed's real Helm (`helm package`, `helm push`).
public final class LocalRegistry: Sendable {
    /// `127.0.0.1:PORT`.
    public let address: String
    public let directory: String
    private let server: ReadyProcess

    public static func start(scratch: String, user: String? = nil, password: String? = nil) async throws -> LocalRegistry {
        let directory = "\(scratch)/registry-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var arguments = ["--dir", directory]
        if let user, let password {
            try password.write(toFile: "\(directory)/password", atomically: true, encoding: .utf8)
            arguments += ["--user", user, "--password-file", "\(directory)/password"]
        }
        let server = try await ReadyProcess.start("\(Testbed.root)/oci-registry", arguments)
        return LocalRegistry(address: server.address, directory: directory, server: server)
    }

    private init(address: String, directory: String, server: ReadyProcess) {
        self.address = address
        self.directory = directory
        self.server = server
    }

    /// `oci://ADDRESS/PATH`.
    public func repository(_ path: String = "charts") -> String { "oci://\(address)/\(path)" }

    /// Packages `chart` (a folder of the testbed's charts) as `version`, with `appVersion` when
    /// given (so one version can be pushed again with other content), signed by `signer` when
    /// given, pushes it to `path`, and answers the digest helm printed.
    @discardableResult
    public func push(
        _ chart: String,
        version: String? = nil,
        appVersion: String? = nil,
        signedBy signer: SigningKeys? = nil,
        to path: String = "charts",
        scratch: String
    ) async throws -> String {
        try await push(
            archive: try await Self.package(chart, version: version, appVersion: appVersion, signedBy: signer, scratch: scratch),
            to: path,
            scratch: scratch
        )
    }

    /// `helm package` of a testbed chart (`--sign` with `signer`'s key); the archive's path.
    public static func package(
        _ chart: String,
        version: String? = nil,
        appVersion: String? = nil,
        signedBy signer: SigningKeys? = nil,
        scratch: String
    ) async throws -> String {
        let out = "\(scratch)/packaged-\(UUID().uuidString.prefix(6))"
        var arguments = ["package", "\(Testbed.charts)/\(chart)", "-d", out]
        arguments += (version.map { ["--version", $0] } ?? []) + (appVersion.map { ["--app-version", $0] } ?? [])
        if let signer { arguments += ["--sign", "--key", signer.identity, "--keyring", signer.secretKeyring] }
        let packaged = try await CommandRun.run(Testbed.helm, arguments, environment: Testbed.helmConfiguration(scratch: scratch).environment)
        guard packaged.status == 0, let archive = packaged.stdout.split(separator: ": ").last?.trimmingCharacters(in: .whitespacesAndNewlines) else {
            throw ReadyProcess.Failure(description: "helm package: \(packaged.stderr)")
        }
        return archive
    }

    /// `helm push` of an archive (with the `.prov` beside it, if any); the digest helm printed.
    @discardableResult
    public func push(archive: String, to path: String = "charts", scratch: String) async throws -> String {
        let environment = Testbed.helmConfiguration(scratch: scratch).environment
        let pushed = try await CommandRun.run(Testbed.helm, ["push", archive, repository(path), "--plain-http"], environment: environment)
        guard pushed.status == 0, let digest = pushed.stdout.firstMatch(of: /Digest: (sha256:[0-9a-f]{64})/)?.output.1 else {
            throw ReadyProcess.Failure(description: "helm push: \(pushed.stderr)")
        }
        return String(digest)
    }

    /// The registry's requests for blobs (chart archives, configs), from its access log.
    public func blobRequests() -> Int {
        let log = (try? String(contentsOfFile: "\(directory)/registry.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").count { $0.contains("\"GET /v2/") && $0.contains("/blobs/sha256:") }
    }

    /// The registry's requests for manifests answered 200 (a tag resolved), from its access log.
    public func manifestsServed() -> Int {
        let log = (try? String(contentsOfFile: "\(directory)/registry.log", encoding: .utf8)) ?? ""
        return log.split(separator: "\n").count { $0.contains("\"GET /v2/") && $0.contains("/manifests/") && $0.contains("\" 200 ") }
    }

    public func stop() { server.stop() }
}
