public import Foundation
import FoundationNetworking

/// Debian's Prometheus server on loopback, scraping the given targets every second (and loading
/// `ruleFiles`): the real thing an operator runs beside the servers. Queried through its HTTP API.
public final class LocalPrometheus: @unchecked Sendable {
    let process: Process
    public let baseURL: String

    /// - Parameter jobs: job name -> `HOST:PORT` targets (the servers' base URLs without the scheme).
    public static func start(scratch: String, jobs: [String: [String]], ruleFiles: [String] = []) async throws -> LocalPrometheus {
        let directory = "\(scratch)/prometheus-\(UUID().uuidString.prefix(6))"
        try FileManager.default.createDirectory(atPath: "\(directory)/data", withIntermediateDirectories: true)
        var config = "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
        if !ruleFiles.isEmpty { config += "rule_files:\n" + ruleFiles.map { "  - \"\($0)\"\n" }.joined() }
        config += "scrape_configs:\n"
        for (job, targets) in jobs.sorted(by: { $0.key < $1.key }) {
            config += "  - job_name: \(job)\n    static_configs:\n      - targets: [\(targets.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
        }
        try config.write(toFile: "\(directory)/prometheus.yml", atomically: true, encoding: .utf8)
        let address = "127.0.0.1:\(Testbed.freePort())"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/prometheus")
        process.arguments = [
            "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data", "--web.listen-address=\(address)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: Self.logFile(directory)))
        try process.run()
        let prometheus = LocalPrometheus(process: process, baseURL: "http://\(address)")
        let ready = await eventually(timeout: .seconds(60), every: .milliseconds(200)) {
            (try? await prometheus.get("/-/ready").status) == 200
        }
        guard ready else {
            prometheus.stop()
            throw ReadyProcess.Failure(
                description: "prometheus did not become ready: \((try? String(contentsOfFile: Self.logFile(directory), encoding: .utf8)) ?? "")"
            )
        }
        return prometheus
    }

    private static func logFile(_ directory: String) -> String {
        let path = "\(directory)/prometheus.log"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        return path
    }

    init(process: Process, baseURL: String) {
        self.process = process
        self.baseURL = baseURL
    }

    /// One answer of the query API: each series' labels and its samples' values.
    public struct Series: Sendable {
        public var labels: [String: String]
        public var values: [Double]
    }

    /// `GET /api/v1/query` at now.
    public func query(_ expression: String) async throws -> [Series] {
        try await series("/api/v1/query", ["query": expression])
    }

    /// `GET /api/v1/query_range` from `start` to now, a point a second: what a dashboard's graph asks.
    public func queryRange(_ expression: String, since start: Date) async throws -> [Series] {
        let now = Date().timeIntervalSince1970
        return try await series(
            "/api/v1/query_range",
            ["query": expression, "start": String(start.timeIntervalSince1970), "end": String(now), "step": "1"]
        )
    }

    private func series(_ path: String, _ parameters: [String: String]) async throws -> [Series] {
        var components = URLComponents(string: baseURL + path)!
        components.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        let (status, body) = try await get(components.url!)
        guard status == 200, let document = try JSONSerialization.jsonObject(with: body) as? [String: Any],
            let data = document["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw ReadyProcess.Failure(description: "prometheus answered \(status): \(String(decoding: body, as: UTF8.self))") }
        return result.map { entry in
            let points = (entry["values"] as? [[Any]]) ?? ((entry["value"] as? [Any]).map { [$0] } ?? [])
            return Series(
                labels: entry["metric"] as? [String: String] ?? [:],
                values: points.compactMap { ($0.last as? String).flatMap(Double.init) }
            )
        }
    }

    public func get(_ path: String) async throws -> (status: Int, body: Data) {
        try await get(URL(string: baseURL + path)!)
    }

    private func get(_ url: URL) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: url)
        request.timeoutInterval = 30
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    public func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
