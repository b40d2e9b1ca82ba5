import Foundation

/// `~/.aws/credentials` (`[name]`) and `~/.aws/config` (`[profile name]`), or the files named by
/// `AWS_SHARED_CREDENTIALS_FILE` / `AWS_CONFIG_FILE`.
struct SharedCredentialsFiles {
    let environment: [String: String]

    func credentials() -> AWSCredentials? {
        let profile = environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
        let home = environment["HOME"] ?? NSHomeDirectory()
        let files = [
            (environment["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials", profile),
            (environment["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config", profile == "default" ? "default" : "profile \(profile)"),
        ]
        for (path, section) in files {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8), let values = Self.section(section, in: text),
                let key = values["aws_access_key_id"], let secret = values["aws_secret_access_key"]
            else { continue }
            return AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: values["aws_session_token"])
        }
        return nil
    }

    /// The `key = value` pairs of one `[section]` of an INI file.
    static func section(_ name: String, in text: String) -> [String: String]? {
        var current: String?
        var values: [String: String]?
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                current = line.dropFirst().dropLast().trimmingCharacters(in: .whitespaces)
                if current == name { values = values ?? [:] }
                continue
            }
            guard current == name, let equals = line.firstIndex(of: "=") else { continue }
            values?[line[..<equals].trimmingCharacters(in: .whitespaces).lowercased()] = line[line.index(after: equals)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        return values
    }
}
