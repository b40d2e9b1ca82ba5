import Dispatch
import Foundation
import Synchronization

/// A program run to its end: its exit status and what it printed.
public struct CommandRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    /// Runs `executable` with `arguments` until it exits, waiting on a Dispatch thread rather than
    /// one of the cooperative pool's. Its environment is `environment` over this process's, or
    /// `environment` alone when not `inheriting`.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        inheriting: Bool = true
    ) async throws -> CommandRun {
        let environment = inheriting ? ProcessInfo.processInfo.environment.merging(environment) { $1 } : environment
        return try await blocking { try runToEnd(executable, arguments, environment: environment) }
    }

    private static func runToEnd(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> CommandRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Both pipes drain at once, so neither can fill up and stall the program.
        let errorData = Mutex(Data())
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            let data = stderr.fileHandleForReading.readDataToEndOfFile()
            errorData.withLock { $0 = data }
        }
        let outputData = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandRun(
            status: process.terminationStatus,
            stdout: String(decoding: outputData, as: UTF8.self),
            stderr: String(decoding: errorData.withLock { $0 }, as: UTF8.self)
        )
    }
}
