public import ArgumentParser
import Foundation

extension AsyncParsableCommand {
    /// Parses the command line and runs the command. Errors, usage mistakes included, leave as one
    /// line on stderr and exit code 1, so scripts and process supervisors can rely on both; help
    /// and --version print as usual.
    /// - Parameter arguments: the command line without the program's name; nil for the process's own.
    public static func mainWithOneLineErrors(arguments: [String]? = nil) async {
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            // A status the command chose (e.g. `diff`'s 2 for "there are changes"): no message.
            Foundation.exit(code.rawValue)
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            let message = message(for: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(error)"
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(1)
        }
    }
}
