import ArgumentParser

/// kubectl and helm take their global options anywhere: `cloud --server URL cluster list` as well
/// as `cloud cluster list --server URL`. Each client command declares them (`ClientOptions`), so
/// those given before the subcommand are moved to just after its name before parsing.
enum GlobalOptions {
    /// The options that take a value, by every name they have.
    static let valued: Set<String> = ["--server", "--ca", "--output", "-o", "--token-file", "--otel-endpoint"]

    /// `arguments` (without the program's name) with leading global options moved after the
    /// subcommand path they precede; anything else is left as it was, for the parser to judge.
    static func reordered(_ arguments: [String], under root: any ParsableCommand.Type) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first {
            if let equals = first.firstIndex(of: "="), first.hasPrefix("-"), valued.contains(String(first[..<equals])) {
                leading.append(first)
                rest = rest.dropFirst()
            } else if valued.contains(first), rest.count >= 2 {
                leading.append(contentsOf: rest.prefix(2))
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("-o"), first.count > 2, !first.hasPrefix("--") {
                leading.append(first)  // -ojson
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty else { return arguments }
        var command = root
        var path: [String] = []
        while let word = rest.first, let sub = command.configuration.subcommands.first(where: { $0.name == word }) {
            path.append(word)
            command = sub
            rest = rest.dropFirst()
        }
        guard !path.isEmpty else { return arguments }
        return path + leading + rest
    }
}

extension ParsableCommand {
    /// The name the command is called by on the command line.
    fileprivate static var name: String { configuration.commandName ?? _commandName }
}
