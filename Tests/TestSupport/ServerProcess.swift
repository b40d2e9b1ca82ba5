public import FleetAPI
public import Foundation
import HelmDriver
public import ServerSupport
import Synchronization

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One of the real binaries (`provisioner`, `cloud server`) started on a free loopback port.
public final class ServerProcess: Sendable {
    public let baseURL: String
    public let pid: Int32
    private let process: Process
    private let logs: LogBuffer

    /// The binaries sit next to the test bundle in the build directory.
    public static func binary(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name).path
    }

    private init(process: Process, baseURL: String, logs: LogBuffer) {
        self.process = process
        self.baseURL = baseURL
        self.logs = logs
        self.pid = process.processIdentifier
    }

    /// A provisioner using the testbed's helm and charts, with helm's state under `scratch`.
    /// A provisioner on the testbed's helm; charts from `chartDirectory` (nil: from their
    /// repositories, which the testbed serves from `$TESTBED_CHARTS`).
    public static func provisioner(
        scratch: String,
        arguments: [String] = [],
        environment: [String: String] = [:],
        port: Int = 0,
        chartDirectory: String? = Testbed.charts
    ) async throws -> ServerProcess {
        try await start(
            binary("provisioner"),
            ["--listen", "127.0.0.1:\(port)", "--log-format", "json", "--helm", Testbed.helm, "--helm-grace-period", "3s"]
                + (chartDirectory.map { ["--chart-dir", $0] } ?? [])
                + AddressPolicy.testbedRanges.flatMap { ["--allowed-api-server", $0] } + arguments,
            environment: Testbed.helmConfiguration(scratch: scratch).environment.merging(environment) { $1 }
        )
    }

    /// A cloud server on `database` (a SQLite file, or any `--database` URL), driving `provisioners`.
    public static func cloudServer(database: String, provisioners: [String], arguments: [String] = [], port: Int = 0) async throws -> ServerProcess {
        try await start(
            binary("cloud"),
            [
                "server", "--listen", "127.0.0.1:\(port)", "--log-format", "json", "--database",
                database.contains("://") ? database : "sqlite://\(database)",
                "--poll", "1s", "--lost-after", "5s",
            ] + AddressPolicy.testbedRanges.flatMap { ["--allowed-api-server", $0, "--allowed-webhook-target", $0] }
                + provisioners.flatMap { ["--provisioner", $0] } + arguments,
            environment: [:]
        )
    }

    /// Starts `executable` and waits for its "... listening" log line, which names the address.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> ServerProcess {
        try await blocking { try launch(executable, arguments, environment: environment) }
    }

    private static func launch(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()

        // Read the log until the listening line; keep reading in the background so the pipe never fills.
        let logs = LogBuffer()
        let handle = stderr.fileHandleForReading
        let ready = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var signalled = false
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                let text = String(decoding: chunk, as: UTF8.self)
                logs.append(text)
                if !signalled, let found = Self.listeningAddress(in: logs.text) {
                    logs.address = found
                    signalled = true
                    ready.signal()
                }
            }
            if !signalled { ready.signal() }
        }
        guard ready.wait(timeout: .now() + 30) == .success, let bound = logs.address else {
            process.terminate()
            throw StartFailure(log: logs.text)
        }
        return ServerProcess(process: process, baseURL: bound, logs: logs)
    }

    private static func listeningAddress(in log: String) -> String? {
        for line in log.split(separator: "\n") where line.contains(" listening\"") {
            if let data = line.data(using: .utf8),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
            {
                return object["url"] ?? object["address"].map { "http://\($0)" }
            }
        }
        return nil
    }

    public var log: String { logs.text }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the process to exit and returns its exit code.
    public func waitForExit(timeout: Duration = .seconds(120)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw StartFailure(log: "provisioner did not exit\n\(log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        return process.terminationStatus
    }

    /// SIGKILL, then a bounded wait: Foundation sometimes never notices a child's exit (seen
    /// under load with many children), and `waitUntilExit` would then hang the whole test run.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        let deadline = ContinuousClock.now + .seconds(10)
        while process.isRunning, ContinuousClock.now < deadline { usleep(20_000) }
    }

    /// SIGKILL to the process and to its children first (its helm processes), as when a pod dies.
    public func killWithChildren() {
        for child in children { kill(child, SIGKILL) }
        kill(pid, SIGKILL)
    }

    /// The process's live children, whichever of its threads started them (Linux: /proc).
    public var children: [Int32] { Self.children(of: pid) }

    /// Its children, theirs, and so on: helm runs under a supervisor the provisioner starts.
    public var descendants: [Int32] {
        var found: [Int32] = []
        var next = children
        while !next.isEmpty {
            found += next
            next = next.flatMap(Self.children(of:))
        }
        return found
    }

    private static func children(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        return tasks.flatMap { task in
            let list = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? ""
            return list.split(separator: " ").compactMap { Int32($0) }
        }
    }

    final class LogBuffer: Sendable {
        private let state = Mutex((text: "", address: String?.none))
        var text: String { state.withLock { $0.text } }
        var address: String? {
            get { state.withLock { $0.address } }
            set { state.withLock { $0.address = newValue } }
        }
        func append(_ more: String) { state.withLock { $0.text += more } }
    }

    public struct StartFailure: Error, CustomStringConvertible {
        public var log: String
        public var description: String { "server process failed: \(log)" }
        public init(log: String) { self.log = log }
    }

    // MARK: HTTP

    public struct Reply: Sendable {
        public var status: Int
        public var body: Data
        /// Names lowercased; only in-process replies carry them.
        public var headers: [String: String] = [:]
        public var text: String { String(decoding: body, as: UTF8.self) }

        public func decode<T: Decodable>(_ type: T.Type) throws -> T { try WireJSON.decoder().decode(type, from: body) }
        public var error: APIError.Body? { try? decode(APIError.Body.self) }

        public init(status: Int, body: Data) {
            self.status = status
            self.body = body
        }
    }

    public func request(_ method: String, _ path: String, body: Data? = nil, token: String? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: baseURL + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 30
        if body != nil { request.setValue("application/json", forHTTPHeaderField: "Content-Type") }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as! HTTPURLResponse).statusCode, body: data)
    }

    public func post(_ request: DeploymentRequest) async throws -> Reply {
        try await self.request("POST", "/api/deployments", body: try WireJSON.encoder().encode(request))
    }

    public func deployment(_ id: String) async throws -> DeploymentStatus {
        try await request("GET", "/api/deployment/\(id)").decode(DeploymentStatus.self)
    }

    /// Polls until the deployment's state satisfies `done`.
    public func waitFor(
        _ id: String,
        timeout: Duration = .seconds(90),
        until done: (DeploymentState) -> Bool = { $0.isFinal }
    ) async throws -> DeploymentStatus {
        let deadline = ContinuousClock.now + timeout
        while true {
            let status = try await deployment(id)
            if done(status.state) { return status }
            guard ContinuousClock.now < deadline else { throw StartFailure(log: "deployment \(id) stuck in \(status.state)") }
            try await Task.sleep(for: .milliseconds(150))
        }
    }
}
