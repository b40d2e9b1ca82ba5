import Foundation

/// A signing key made by Debian's gpg for a test: the secret keyring `helm package --sign` reads,
/// the public keyring `helm verify` (and the provisioner's `--chart-keyring`) reads, and the key's
/// fingerprint.
public struct SigningKeys: Sendable {
    public let identity: String
    public let secretKeyring: String
    public let publicKeyring: String
    public let fingerprint: String

    public static func make(scratch: String, name: String = "Chart Signer") async throws -> SigningKeys {
        let home = "\(scratch)/gnupg-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let identity = "\(name.lowercased().replacingOccurrences(of: " ", with: "-"))@example.com"
        let environment = ["GNUPGHOME": home]
        func gpg(_ arguments: [String]) async throws -> String {
            let run = try await CommandRun.run("/usr/bin/gpg", ["--batch"] + arguments, environment: environment)
            guard run.status == 0 else { throw ReadyProcess.Failure(description: "gpg \(arguments.joined(separator: " ")): \(run.stderr)") }
            return run.stdout
        }
        _ = try await gpg(["--passphrase", "", "--quick-gen-key", "\(name) <\(identity)>", "rsa2048", "sign", "never"])
        let secret = "\(home)/secring.gpg"
        let `public` = "\(home)/pubring.export.gpg"
        _ = try await gpg(["--output", secret, "--export-secret-keys"])
        _ = try await gpg(["--output", `public`, "--export"])
        let listing = try await gpg(["--with-colons", "--fingerprint", "--list-keys"])
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("fpr:") }) else {
            throw ReadyProcess.Failure(description: "gpg listed no fingerprint: \(listing)")
        }
        let fingerprint = String(line.split(separator: ":", omittingEmptySubsequences: false)[9])
        return SigningKeys(identity: identity, secretKeyring: secret, publicKeyring: `public`, fingerprint: fingerprint)
    }
}
