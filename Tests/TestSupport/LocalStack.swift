public import FleetAPI
import Foundation

/// The one harness of real processes on loopback: emulated clusters, provisioners and cloud
/// servers on one database (a SQLite file, or a PostgreSQL URL several servers share). The end to
/// end, rollout and chaos suites each add what they ask of it in their own terms.
public final class LocalStack: @unchecked Sendable {
    public struct Options: Sendable {
        /// Emulated clusters, and how long their workloads take to become ready.
        public var clusters = 1
        public var readyAfter = 0
        /// The clusters whose workloads never become ready (`--no-auto-ready`).
        public var offline: Set<Int> = []
        public var provisioners = 2
        public var provisionerArguments: [String] = []
        public var provisionerEnvironment: [String: String] = [:]
        /// The provisioners' `--chart-dir`; nil: charts from their repositories, through the chart cache.
        public var chartDirectory: String? = Testbed.charts
        /// Cloud servers started with the stack; 0 to start them later (`startServer`), after
        /// something is put in front of the provisioners.
        public var servers = 1
        /// A PostgreSQL URL; a SQLite file in the scratch directory when nil.
        public var database: String?
        public var serverArguments: [String] = []

        public init(
            clusters: Int = 1,
            readyAfter: Int = 0,
            offline: Set<Int> = [],
            provisioners: Int = 2,
            provisionerArguments: [String] = [],
            provisionerEnvironment: [String: String] = [:],
            servers: Int = 1,
            database: String? = nil,
            serverArguments: [String] = [],
            chartDirectory: String? = Testbed.charts
        ) {
            self.chartDirectory = chartDirectory
            self.clusters = clusters
            self.readyAfter = readyAfter
            self.offline = offline
            self.provisioners = provisioners
            self.provisionerArguments = provisionerArguments
            self.provisionerEnvironment = provisionerEnvironment
            self.servers = servers
            self.database = database
            self.serverArguments = serverArguments
        }
    }

    public let scratch: String
    public let emulators: [KubeEmulator]
    public private(set) var provisioners: [ServerProcess]
    public private(set) var servers: [ServerProcess] = []
    public let database: String
    /// Where the cloud servers find the provisioners: the provisioners themselves, unless a test
    /// puts something in front of them before it starts a server.
    public var provisionerURLs: [String]
    private let options: Options

    public var emulator: KubeEmulator { emulators[0] }
    public var server: ServerProcess { servers[0] }

    public init(_ options: Options = Options()) async throws {
        let scratch = try Testbed.makeScratchDirectory()
        self.scratch = scratch
        self.options = options
        emulators = try await (0..<options.clusters).asyncMap { index in
            try await KubeEmulator.start(
                readyAfter: options.readyAfter,
                scratch: scratch,
                arguments: options.offline.contains(index) ? ["--no-auto-ready"] : []
            )
        }
        provisioners = try await (0..<options.provisioners).asyncMap { _ in
            try await ServerProcess.provisioner(
                scratch: scratch,
                arguments: options.provisionerArguments,
                environment: options.provisionerEnvironment,
                chartDirectory: options.chartDirectory
            )
        }
        provisionerURLs = provisioners.map(\.baseURL)
        database = options.database ?? "\(scratch)/cloud.db"
        for _ in 0..<options.servers { try await startServer() }
    }

    /// Starts one more cloud server on the stack's database.
    @discardableResult
    public func startServer() async throws -> ServerProcess {
        let server = try await ServerProcess.cloudServer(database: database, provisioners: provisionerURLs, arguments: options.serverArguments)
        servers.append(server)
        return server
    }

    /// SIGKILLs cloud server `index` and, with `restart`, starts it again on the same database.
    public func killServer(_ index: Int = 0, restart: Bool = true) async throws {
        servers[index].signal(SIGKILL)
        servers[index].stop()
        guard restart else { return }
        servers[index] = try await ServerProcess.cloudServer(database: database, provisioners: provisionerURLs, arguments: options.serverArguments)
    }

    /// Starts provisioner `index` again on its own port (after the test killed it, or as a rolling
    /// upgrade replaces it): a restart in place, at the address the cloud servers know.
    public func restartProvisioner(_ index: Int) async throws {
        let port = Int(provisioners[index].baseURL.split(separator: ":").last ?? "") ?? 0
        provisioners[index].stop()
        provisioners[index] = try await ServerProcess.provisioner(
            scratch: scratch,
            arguments: options.provisionerArguments,
            environment: options.provisionerEnvironment,
            port: port,
            chartDirectory: options.chartDirectory
        )
    }

    /// A JSON request to cloud server `server`.
    public func send(
        _ method: String,
        _ path: String,
        _ body: JSONValue? = nil,
        via server: Int = 0,
        token: String? = nil
    ) async throws
        -> ServerProcess.Reply
    {
        try await servers[server].request(method, path, body: try body.map { try WireJSON.encoder().encode($0) }, token: token)
    }

    public func close() {
        for process in servers + provisioners { process.stop() }
        for emulator in emulators { emulator.stop() }
        try? FileManager.default.removeItem(atPath: scratch)
    }
}
