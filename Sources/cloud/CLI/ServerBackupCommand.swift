import ArgumentParser
import Foundation

/// `cloud server backup`: a consistent copy of the SQLite database while the server runs.
struct ServerBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the server's SQLite database to a new file while the server runs.",
        discussion: """
            The copy is one consistent moment, checked (SQLite's integrity check) before it is given \
            its name. To restore: stop the server, remove the database file and its -wal and -shm \
            files, put the copy in its place, start the server. A PostgreSQL database is backed up \
            with pg_dump or the provider's snapshots.
            """
    )

    @Option(help: "The server's --database: sqlite://PATH. (CLOUD_DATABASE)")
    var database = ProcessInfo.processInfo.environment["CLOUD_DATABASE"] ?? "sqlite://cloud.db"

    @Option(help: "The new file to write; it must not exist.")
    var to: String

    func run() async throws {
        guard database.hasPrefix("sqlite://") else {
            guard PostgresURL.schemes.contains(where: database.hasPrefix) else {
                throw ValidationError("--database: expected sqlite://PATH")
            }
            throw ValidationError(
                "--database: a PostgreSQL database is backed up with pg_dump (pg_dump --format=custom --file=FILE URL) or its provider's snapshots"
            )
        }
        let source = String(database.dropFirst("sqlite://".count))
        let summary: SQLiteBackup.Summary
        do {
            summary = try SQLiteBackup.copy(from: source, to: to)
        } catch {
            throw ValidationError("backup: \(error)")
        }
        let rows = summary.rows.map { "\($0.count) \($0.table)" }.joined(separator: ", ")
        print("backed up \(source) to \(to): schema \(summary.schemaVersion), \(rows), \(summary.bytes) bytes")
    }
}
