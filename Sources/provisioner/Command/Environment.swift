import Foundation

/// An environment variable the command line falls back to; an empty one counts as unset. Read
/// here, where the configuration is made, and nowhere below it.
func environment(_ name: String) -> String? {
    ProcessInfo.processInfo.environment[name].flatMap { $0.isEmpty ? nil : $0 }
}
