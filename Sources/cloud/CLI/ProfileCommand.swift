import ArgumentParser
import FleetAPI
import Foundation

struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Declare the fleet's state: which services, at which versions and values, on which clusters.",
        subcommands: [Apply.self, Plan.self, Status.self, Sync.self, List.self, Get.self, Delete.self]
    )

    struct Apply: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply a profile document (YAML or JSON); each change becomes a new revision.",
            discussion: "The document is checked here first, so a mistake names its field and line before anything is sent."
        )
        @OptionGroup var options: ClientOptions
        @Option(name: [.customShort("f"), .customLong("file")], help: "The profile document.") var file: String

        func run() async throws {
            let (data, profile) = try ProfileCommand.document(file)
            try options.output.print(try await options.client.call("PUT", "/api/profile/\(CLIClient.segment(profile.name))", raw: data))
        }
    }

    /// The document in `file`, checked here first so a mistake names its field and line before
    /// anything is sent.
    static func document(_ file: String) throws -> (Data, Profile) {
        guard let data = InputFile.read(file), let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("--file: cannot read \(file) as text")
        }
        do { return (data, try Profile(document: text)) } catch { throw ValidationError("\(file): \(error)") }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the profiles with their revisions and matching clusters.")
        @OptionGroup var options: ClientOptions

        func run() async throws {
            try options.output.print(try await options.client.call("GET", "/api/profiles"), table: Tables.profiles)
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a profile: its document, matching clusters and revisions.")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The profile's name.") var name: String
        func run() async throws { try options.output.print(try await options.client.call("GET", "/api/profile/\(CLIClient.segment(name))")) }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a profile (a last revision without a document).")
        @OptionGroup var options: ClientOptions
        @Argument(help: "The profile's name.") var name: String
        func run() async throws { _ = try await options.client.call("DELETE", "/api/profile/\(CLIClient.segment(name))") }
    }
}
