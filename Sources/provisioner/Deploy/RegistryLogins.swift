import Foundation
import HelmDriver

/// The registry logins helm is given for a pull (`--registry-config`): the operator's own file, and
/// for registries named `--ecr-registry` a login from Amazon ECR, got with the provisioner's AWS
/// credentials (`ECR.login`) and renewed before it expires. Those are written, with the operator's
/// logins, into a file of the provisioner's own (0600, Docker's `config.json` format, which helm's
/// registry client reads); the operator's file is never written to.
actor RegistryLogins {
    private let configured: String?
    private let ecrRegistries: Set<String>
    private let ecr: ECR
    private let managed: String
    private var login: ECR.Login?
    private var renewAt = Date.distantPast

    /// A login is renewed this long before it expires, and kept at least this long when ECR says
    /// it expires sooner (a clock far off must not make every pull ask ECR).
    static let margin: TimeInterval = 300

    init(configured: String?, ecrRegistries: Set<String>, aws: AWSClient, directory: String) {
        self.configured = configured
        self.ecrRegistries = ecrRegistries
        self.ecr = ECR(client: aws)
        self.managed = "\(directory)/registry-logins.json"
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The `--registry-config` for a pull from `registry` (`HOST[:PORT]`); nil: helm's own file.
    func configFile(for registry: String, now: Date = Date()) async throws(Failure) -> String? {
        guard ecrRegistries.contains(registry) else { return configured }
        if login == nil || now >= renewAt {
            let fresh: ECR.Login
            do {
                fresh = try await ecr.login()
            } catch {
                throw Failure(description: "the ECR login for \(registry) could not be got: \(error)")
            }
            login = fresh
            renewAt = max(fresh.expiresAt - Self.margin, now + Self.margin)
        }
        guard let login else { return configured }
        do {
            try write(login)
        } catch {
            throw Failure(description: "the registry logins could not be written to \(managed): \(error)")
        }
        return managed
    }

    /// The operator's logins with the ECR login for every ECR registry, replacing the file whole.
    private func write(_ login: ECR.Login) throws {
        var document: [String: Any] = [:]
        if let configured, let data = FileManager.default.contents(atPath: configured),
            let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        {
            document = parsed
        }
        var auths = document["auths"] as? [String: Any] ?? [:]
        let auth = Data("\(login.username):\(login.password)".utf8).base64EncodedString()
        for registry in ecrRegistries { auths[registry] = ["auth": auth] }
        document["auths"] = auths
        let data = try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys])
        try FileManager.default.createDirectory(atPath: (managed as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let temporary = "\(managed).\(UUID().uuidString)"
        guard FileManager.default.createFile(atPath: temporary, contents: data, attributes: [.posixPermissions: 0o600]) else {
            throw Failure(description: "cannot create \(temporary)")
        }
        // rename(2) replaces it whole: a helm reading the file meanwhile sees the old one or the new.
        guard rename(temporary, managed) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Failure(description: "cannot replace \(managed): errno \(errno)")
        }
    }
}
