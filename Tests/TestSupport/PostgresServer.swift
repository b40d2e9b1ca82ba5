import Foundation

/// A real PostgreSQL for the tests: `initdb` into a fresh directory under /tmp, `pg_ctl start` on a
/// free loopback port, password authentication over TCP. One server serves the whole test process
/// (each test makes its own database); a watchdog stops it with `pg_ctl stop -m immediate` and
/// deletes the directory as soon as the test process exits, however it exits.
///
/// initdb and the server refuse to run as root, so as root every PostgreSQL command runs through
/// `runuser` as the `postgres` user (or `nobody`), which owns the directory.
public final class PostgresServer: Sendable {
    public let port: Int
    public let password: String
    public let directory: String

    /// Where initdb and pg_ctl are: $POSTGRES_BIN, else /usr/local/bin, PATH, Debian's
    /// /usr/lib/postgresql/*/bin. Nil when absent; the PostgreSQL tests are then skipped.
    public static let binDirectory: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let forced = environment["POSTGRES_BIN"] { return hasTools(forced) ? forced : nil }
        let debian = ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? [])
            .sorted { $0.compare($1, options: .numeric) == .orderedDescending }.map { "/usr/lib/postgresql/\($0)/bin" }
        let path = (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        return (["/usr/local/bin"] + path + debian).first(where: hasTools)
    }()

    public static var isInstalled: Bool { binDirectory != nil }
    public static let notInstalled = "initdb and pg_ctl not found ($POSTGRES_BIN, /usr/local/bin, PATH): PostgreSQL variants skipped"

    /// The server for this test process, started on first use. Tests wait for it without
    /// blocking a thread: initdb takes seconds, and every PostgreSQL test asks at once.
    public static var shared: PostgresServer {
        get async throws { try await starting.value }
    }

    private static let starting = Task { try await blocking { try start() } }

    init(port: Int, password: String, directory: String) {
        self.port = port
        self.password = password
        self.directory = directory
    }

    public func url(database: String) -> String {
        "postgres://postgres:\(password)@127.0.0.1:\(port)/\(database)"
    }

    /// The maintenance database, for CREATE DATABASE.
    public var adminURL: String { url(database: "postgres") }

    /// A name for a fresh database; tests stay independent with one each.
    public static func newDatabaseName() -> String {
        "test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
    }

    private static func start() throws -> PostgresServer {
        let (directory, password) = try makeDirectory()
        try initdb(directory, password: password)
        return try serve(directory, password: password)
    }

    /// A directory for one server, its password file, and a watchdog that removes both.
    static func makeDirectory() throws -> (directory: String, password: String) {
        guard let bin = binDirectory else { throw Failure(notInstalled) }
        let directory = "/tmp/cloud-pg-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let password = UUID().uuidString.replacingOccurrences(of: "-", with: "")
        try password.write(toFile: "\(directory)/pwfile", atomically: false, encoding: .utf8)
        if let owner = runAs {
            for path in [directory, "\(directory)/pwfile"] where chown(path, owner.uid, owner.gid) != 0 {
                throw Failure("chown \(path) to \(owner.name) failed")
            }
        }
        try watch(directory, bin: bin)
        return (directory, password)
    }

    static func initdb(_ directory: String, password: String) throws {
        try run(
            "\(try bin())/initdb",
            [
                "-D", "\(directory)/data", "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256",
                "--pwfile=\(directory)/pwfile", "--locale=C", "--encoding=UTF8", "--no-sync",
            ],
            log: "\(directory)/initdb.log"
        )
    }

    /// Starts the server whose data is in `directory`, on a free loopback port, with `settings`
    /// besides the tests' own.
    static func serve(_ directory: String, password: String, settings: [String] = []) throws -> PostgresServer {
        // The port is free when chosen but may be taken before the server binds it: try a few.
        var lastError: (any Error)?
        for _ in 0..<3 {
            let port = Testbed.freePort()
            let options =
                "-k \(directory) -h 127.0.0.1 -p \(port) -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
                + settings.map { " -c \($0)" }.joined()
            do {
                try run(
                    "\(try bin())/pg_ctl",
                    ["start", "-w", "-t", "60", "-D", "\(directory)/data", "-l", "\(directory)/server.log", "-o", options],
                    log: "\(directory)/pg_ctl.log"
                )
                return PostgresServer(port: port, password: password, directory: directory)
            } catch {
                lastError = error
            }
        }
        throw lastError!
    }

    static func bin() throws -> String {
        guard let bin = binDirectory else { throw Failure(notInstalled) }
        return bin
    }

    /// Stops the server at once and deletes its directory (the watchdog does this at exit too).
    public func stop() {
        guard let bin = Self.binDirectory else { return }
        try? Self.run("\(bin)/pg_ctl", ["stop", "-m", "immediate", "-D", "\(directory)/data"], log: "/dev/null")
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: Processes

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    private static func hasTools(_ directory: String) -> Bool {
        ["initdb", "pg_ctl"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)") }
    }

    /// The account PostgreSQL runs as when this process is root.
    static let runAs: (name: String, uid: uid_t, gid: gid_t)? = {
        guard geteuid() == 0 else { return nil }
        for name in ["postgres", "nobody"] {
            if let entry = getpwnam(name) { return (name, entry.pointee.pw_uid, entry.pointee.pw_gid) }
        }
        return nil
    }()

    /// `executable` with `arguments`, as `runAs` when root; output to `log`, quoted on failure.
    ///
    /// posix_spawn rather than Process: Process leaves a socket open in the child and waits for it
    /// to close, and the server that `pg_ctl start` leaves behind would hold it open for good.
    static func run(_ executable: String, _ arguments: [String], log: String) throws {
        // runuser keeps the working directory, which the postgres account may not be allowed to enter.
        let argv = (runAs.map { ["/usr/sbin/runuser", "-u", $0.name, "--", "/usr/bin/env", "-C", "/tmp"] } ?? []) + [executable] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else of ours reaches the server: an inherited descriptor (another test's pipe,
        // Process's socket) would stay open as long as the server runs. Swift's Glibc lacks
        // posix_spawn_file_actions_addclosefrom_np, so close what is open now, as Process does.
        let open = ((try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []).compactMap { Int32($0) }
        for fd in open where fd > 2 && fcntl(fd, F_GETFD) != -1 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }

        let cArguments = argv.map { strdup($0) } + [nil]
        defer { for argument in cArguments { free(argument) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawned == 0 else { throw Failure("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // Exited (low 7 bits clear) with status 0.
        guard status & 0x7f == 0 && (status >> 8) & 0xff == 0 else {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw Failure("\((executable as NSString).lastPathComponent) failed (wait status \(status)): \(text.suffix(2000))")
        }
    }

    /// A detached shell that waits for this process to end, then stops the server and deletes its directory.
    private static func watch(_ directory: String, bin: String) throws {
        let stop = "\(runAs.map { "/usr/sbin/runuser -u \($0.name) -- " } ?? "")\(bin)/pg_ctl stop -m immediate -D \(directory)/data"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stop); rm -rf \(directory)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        process.currentDirectoryURL = URL(fileURLWithPath: "/tmp")
        try process.run()
    }
}
