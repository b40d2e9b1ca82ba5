import Foundation

/// A testbed server run as a child process that prints `READY <address>` once it listens (the
/// emulator, the Git server): started, waited for, and killed.
struct ReadyProcess: Sendable {
    let process: Process
    /// What followed `READY `.
    let address: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs `executable` and reads its output until the READY line; on a Dispatch thread, since
    /// the read blocks.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> ReadyProcess {
        try await blocking {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let environment { process.environment = environment }
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                guard !chunk.isEmpty else {
                    throw Failure(description: "\(executable) exited before READY: \(String(decoding: buffer, as: UTF8.self))")
                }
                buffer.append(chunk)
                if let line = String(decoding: buffer, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix("READY ") }) {
                    return ReadyProcess(process: process, address: String(line.dropFirst(6)))
                }
            }
        }
    }

    /// SIGKILL: these servers keep their state in memory only, and a child spawned from a dispatch
    /// thread by Foundation's Process inherits that thread's blocked SIGTERM.
    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
