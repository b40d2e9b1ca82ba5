import Foundation

/// A primary and a streaming-replication standby, as RDS Multi-AZ or Patroni run them: every commit
/// waits until the standby has it (synchronous replication), so a promoted standby holds every
/// transaction a client was told had committed.
extension PostgresServer {
    /// A primary of its own (not `shared`) whose commits wait for a standby: start one with
    /// `startStandby()` before writing to it.
    public static func startPrimary() async throws -> PostgresServer {
        try await blocking {
            let (directory, password) = try makeDirectory()
            try initdb(directory, password: password)
            // pg_ctl starts the server through a shell, which would expand a bare *.
            return try serve(directory, password: password, settings: ["synchronous_standby_names='*'", "synchronous_commit=on"])
        }
    }

    /// A hot standby streaming from this server, copied with pg_basebackup; it answers reads
    /// and refuses writes until promoted.
    public func startStandby() async throws -> PostgresServer {
        let (primaryPort, password) = (port, password)
        return try await blocking {
            let (directory, _) = try Self.makeDirectory()
            try Self.run(
                "\(try Self.toolDirectory())/pg_basebackup",
                [
                    "-d", "host=127.0.0.1 port=\(primaryPort) user=postgres password=\(password)", "-D", "\(directory)/data",
                    "--write-recovery-conf", "--wal-method=stream", "--checkpoint=fast",
                ],
                log: "\(directory)/basebackup.log"
            )
            return try Self.serve(directory, password: password)
        }
    }

    /// Stops the server as a crash would (no shutdown checkpoint, clients cut off), keeping its
    /// directory.
    public func crash() async throws {
        let directory = directory
        try await blocking { try Self.run("\(try Self.bin())/pg_ctl", ["stop", "-m", "immediate", "-D", "\(directory)/data"], log: "/dev/null") }
    }

    /// Makes a standby the primary: it stops following and takes writes.
    public func promote() async throws {
        let directory = directory
        try await blocking {
            try Self.run("\(try Self.bin())/pg_ctl", ["promote", "-w", "-D", "\(directory)/data"], log: "\(directory)/promote.log")
        }
    }

    /// `host:port` for a multi-host URL.
    public var hostAndPort: String { "127.0.0.1:\(port)" }

    /// Where pg_basebackup is: beside the real pg_ctl (/usr/local/bin may hold links to a few
    /// tools only).
    static func toolDirectory() throws -> String {
        URL(fileURLWithPath: "\(try bin())/pg_ctl").resolvingSymlinksInPath().deletingLastPathComponent().path
    }
}
