import ArgumentParser

/// `cloud completion SHELL`: the completion script argument-parser generates, as kubectl and helm
/// print theirs.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            bash: source <(cloud completion bash), or save it in /etc/bash_completion.d/cloud.
            zsh:  cloud completion zsh > "${fpath[1]}/_cloud" (then start a new shell).
            fish: cloud completion fish > ~/.config/fish/completions/cloud.fish
            """
    )

    @Argument(help: "bash, zsh or fish.") var shell: Shell

    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    func run() throws {
        print(CloudCommand.completionScript(for: CompletionShell(rawValue: shell.rawValue)!))
    }
}
