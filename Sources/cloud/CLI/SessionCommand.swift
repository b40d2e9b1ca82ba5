import ArgumentParser
import FleetAPI

struct SessionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "session",
        abstract: "Dashboard sessions (admin tokens only).",
        subcommands: [Revoke.self]
    )

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End every dashboard session of a token holder now, on every server sharing the database.",
            discussion: "The holder's token stays valid until it is taken out of the token file; they may sign in again with it."
        )
        @OptionGroup var options: ClientOptions
        @Option(help: "The token holder's name, as the token file gives it.") var name: String

        func run() async throws {
            try options.output.print(try await options.client.call("POST", "/api/sessions/revoke", body: JSONValue.object(["Name": .string(name)])))
        }
    }
}
