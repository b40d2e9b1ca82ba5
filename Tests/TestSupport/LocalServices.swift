import Foundation
import Synchronization

/// A process that prints the URL it serves on, started on a free loopback port: `moto_server`
/// (AWS), or a scripted HTTP responder.
public final class LocalService: Sendable {
    public let url: String
    private let process: Process

    private init(process: Process, url: String) {
        self.process = process
        self.url = url
    }

    /// moto_server (PyPI `moto[server]`) on 127.0.0.1, port chosen by the OS.
    public static func moto() async throws -> LocalService {
        try await start("/usr/bin/env", ["moto_server", "-H", "127.0.0.1", "-p", "0"])
    }

    /// An HTTP/1.1 server answering each request with the next scripted status (the last one
    /// repeats) and a JSON body counting the requests so far and naming the client's port (one
    /// port, one connection), with `body` and `padding` bytes more.
    public static func responder(statuses: [Int], body: String = "", padding: Int = 0) async throws -> LocalService {
        let script = """
            import http.server, json, sys
            statuses = \(statuses)
            count = 0
            class Handler(http.server.BaseHTTPRequestHandler):
                protocol_version = "HTTP/1.1"
                def answer(self):
                    global count
                    count += 1
                    status = statuses[min(count, len(statuses)) - 1]
                    payload = json.dumps({"requests": count, "__type": "ThrottlingException" if status == 400 else "InternalFailure",
                                          "message": "scripted", "body": \(String(reflecting: body)), "padding": "x" * \(padding),
                                          "peer": self.client_address[1]}).encode()
                    length = int(self.headers.get("Content-Length") or 0)
                    self.rfile.read(length)
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                do_GET = do_POST = answer
                def log_message(self, *args): pass
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
            print(f"Running on http://127.0.0.1:{server.server_address[1]}", file=sys.stderr, flush=True)
            server.serve_forever()
            """
        return try await start("/usr/bin/env", ["python3", "-c", script])
    }

    /// Starts `executable`, which says on stderr where it serves ("Running on http://127.0.0.1:PORT").
    private static func start(_ executable: String, _ arguments: [String]) async throws -> LocalService {
        try await blocking { try launch(executable, arguments) }
    }

    private static func launch(_ executable: String, _ arguments: [String]) throws -> LocalService {
        let pattern = /Running on (http:\/\/127\.0\.0\.1:\d+)/
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stderr = Pipe()
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let handle = stderr.fileHandleForReading
        var seen = ""
        while true {
            let chunk = handle.availableData
            if chunk.isEmpty { throw ServerProcess.StartFailure(log: "\(arguments.first ?? executable) exited: \(seen)") }
            seen += String(decoding: chunk, as: UTF8.self)
            if let match = seen.firstMatch(of: pattern) {
                // Keep draining its log so the pipe never fills and blocks it.
                DispatchQueue.global().async { while !handle.availableData.isEmpty {} }
                return LocalService(process: process, url: String(match.output.1))
            }
        }
    }

    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
