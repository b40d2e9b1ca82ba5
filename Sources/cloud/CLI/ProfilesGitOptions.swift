import ArgumentParser
import Crypto
import Foundation

/// `cloud server`'s flags for following a Git repository of profiles.
struct ProfilesGitOptions: ParsableArguments {
    @Option(
        name: .customLong("profiles-git"),
        help: ArgumentHelp(
            "Follow this Git repository of profiles: https://..., file:///..., ssh://... or git@host:path.",
            discussion: "Profiles applied from it can only be changed in it; POST /api/profiles/sync fetches at once."
        )
    )
    var url: String?

    @Option(name: .customLong("profiles-ref"), help: "The branch or tag followed.")
    var ref = "main"

    @Option(name: .customLong("profiles-path"), help: "The directory whose .yaml, .yml and .json files are profiles.")
    var path = "."

    @Option(name: .customLong("profiles-git-token-file"), help: "A file holding a token sent as Authorization: Bearer over HTTPS.")
    var tokenFile: String?

    @Option(name: .customLong("profiles-git-ssh-key"), help: "An SSH deploy key (read-only) for ssh:// and git@host:path URLs.")
    var sshKey: String?

    @Option(name: .customLong("profiles-git-interval"), help: "How often the repository is fetched.")
    var interval = "1m"

    @Option(
        name: .customLong("profiles-git-cache"),
        help: "Where the fetched repository is kept (default: a directory under the temporary directory)."
    )
    var cache: String?

    /// The repository to follow, checked; nil without `--profiles-git`.
    func configuration() throws -> ProfileRepository.Configuration? {
        guard let url else { return nil }
        let schemes = ["https://", "http://", "file://", "ssh://"]
        guard schemes.contains(where: url.hasPrefix) || url.wholeMatch(of: /[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:\s]+/) != nil else {
            throw ValidationError("--profiles-git: \"\(ProfileRepository.withoutUserInfo(url))\" is not an https, http, file or ssh URL")
        }
        guard ref.wholeMatch(of: /[A-Za-z0-9._\/-]{1,200}/) != nil, !ref.hasPrefix("-"), !ref.contains("..") else {
            throw ValidationError("--profiles-ref: \"\(ref)\" is not a branch or tag name")
        }
        guard !path.split(separator: "/").contains(".."), !path.hasPrefix("-") else {
            throw ValidationError("--profiles-path: \"\(path)\" must stay inside the repository")
        }
        for (flag, file) in [("--profiles-git-token-file", tokenFile), ("--profiles-git-ssh-key", sshKey)] {
            if let file, !FileManager.default.isReadableFile(atPath: file) { throw ValidationError("\(flag): cannot read \(file)") }
        }
        let digest = SHA256.hash(data: Data(url.utf8)).map { String(format: "%02x", $0) }.joined().prefix(16)
        return ProfileRepository.Configuration(
            url: url,
            ref: ref,
            path: path,
            tokenFile: tokenFile,
            sshKey: sshKey,
            cache: cache ?? "\(NSTemporaryDirectory())cloud-profiles-\(digest)"
        )
    }
}
