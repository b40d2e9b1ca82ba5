import Foundation

/// An online copy of a cloud server's SQLite file. `VACUUM INTO` reads the database in one read
/// transaction, so the copy is one consistent moment while the server goes on writing (WAL lets
/// readers and the writer proceed together), and it is compacted and a plain database file:
/// restoring is putting it where `--database` points.
enum SQLiteBackup {
    /// What a copy holds, checked by reading it back.
    struct Summary: Sendable {
        var schemaVersion: Int
        /// Rows of the tables an operator asks about first, in `countedTables` order.
        var rows: [(table: String, count: Int)]
        var bytes: Int
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let countedTables = ["clusters", "deployments", "rollouts", "events", "audit"]

    /// Copies the database at `source` to a new file at `target`, which must not exist: the copy
    /// is written beside it and renamed once checked, so `target` is whole or absent.
    static func copy(from source: String, to target: String) throws -> Summary {
        guard !FileManager.default.fileExists(atPath: target) else {
            throw Failure(description: "\(target) exists; back up to a new file")
        }
        guard FileManager.default.fileExists(atPath: source) else { throw Failure(description: "\(source) does not exist") }
        let partial = "\(target).partial-\(ProcessInfo.processInfo.processIdentifier)"
        defer { try? FileManager.default.removeItem(atPath: partial) }
        do {
            let database = try SQLiteConnection(path: source, creating: false)
            guard try database.query("SELECT 1 FROM sqlite_master WHERE name = 'schema_migrations'").count == 1 else {
                throw Failure(description: "\(source) is not a cloud server's database")
            }
            try database.query("VACUUM INTO $1", [.text(partial)])
        }
        let summary = try check(partial)
        // VACUUM INTO leaves syncing to the file system; a backup should survive a power cut.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: partial))
        try handle.synchronize()
        try handle.close()
        guard rename(partial, target) == 0 else {
            throw Failure(description: "cannot move the copy to \(target): \(String(cString: strerror(errno)))")
        }
        return summary
    }

    /// Reads a copy back: SQLite's own integrity check, the schema version and the row counts.
    static func check(_ path: String) throws -> Summary {
        let copy = try SQLiteConnection(path: path, creating: false)
        let integrity = try copy.query("PRAGMA integrity_check").compactMap { $0.first?.string }
        guard integrity == ["ok"] else { throw Failure(description: "the copy failed its integrity check: \(integrity.prefix(3))") }
        let version = try copy.query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations").first?.first?.int ?? 0
        let tables = Set(try copy.query("SELECT name FROM sqlite_master WHERE type = 'table'").compactMap { $0.first?.string })
        let rows = try countedTables.filter(tables.contains).map { table in
            (table, Int(try copy.query("SELECT COUNT(*) FROM \(table)").first?.first?.int ?? 0))
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return Summary(schemaVersion: Int(version), rows: rows, bytes: size)
    }
}
