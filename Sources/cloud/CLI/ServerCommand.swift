import ArgumentParser

/// `cloud server`: running the server (what it does without a subcommand) and looking after its
/// database.
struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run the cloud server (`cloud server [run] FLAGS`), or back up its database.",
        subcommands: [ServerRunCommand.self, ServerBackupCommand.self],
        defaultSubcommand: ServerRunCommand.self
    )
}
