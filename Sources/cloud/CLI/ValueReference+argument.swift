public import ArgumentParser
public import FleetAPI
import Foundation

/// `--values-from PATH=secretsmanager:SECRET-ID[#KEY]` or `PATH=ssm:PARAMETER-NAME[#KEY]`: the
/// spelling a reference is shown in (`ValueReference.description`), after the path it fills.
/// Neither AWS allows `#` in a secret's or a parameter's name, so it can only start the key.
extension ValueReference: ExpressibleByArgument {
    public init?(argument: String) {
        guard let equals = argument.firstIndex(of: "="), let colon = argument[equals...].firstIndex(of: ":") else { return nil }
        let path = String(argument[..<equals])
        let source = argument[argument.index(after: equals)..<colon]
        let rest = argument[argument.index(after: colon)...]
        let name = String(rest.prefix { $0 != "#" })
        let key = rest.firstIndex(of: "#").map { String(rest[rest.index(after: $0)...]) }
        guard !path.isEmpty, !name.isEmpty else { return nil }
        switch source {
        case "secretsmanager": self.init(path: path, secretsManager: .init(secretID: name), key: key)
        case "ssm": self.init(path: path, ssmParameter: .init(name: name), key: key)
        default: return nil
        }
    }

    static let argumentHelp = ArgumentHelp(
        "A value the provisioner fetches from AWS at apply time and puts at PATH; repeatable. e.g. grafana.adminPassword=secretsmanager:prod/grafana#password, or token=ssm:/prod/token.",
        valueName: "PATH=secretsmanager:ID[#KEY]|PATH=ssm:NAME[#KEY]"
    )

    static func wire(_ references: [ValueReference]) throws -> JSONValue {
        try WireJSON.decoder().decode(JSONValue.self, from: try WireJSON.encoder().encode(references))
    }
}
