import ArgumentParser
import CSQLite
import Internal

/// The `cloud` CLI and server. Filled in by the cloud issue; for now it reports what it is built with.
struct CloudCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Manage third-party services on a fleet of Kubernetes clusters.",
        version: "\(BuildInfo.version) (sqlite \(String(cString: sqlite3_libversion())))")
}

CloudCommand.main()
