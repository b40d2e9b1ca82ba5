import Foundation
import Synchronization
import TestSupport
import Testing

@testable import ChildProcess

@Suite("Running subprocesses")
struct ProcessRunnerTests {
    let runner = ProcessRunner(gracePeriod: .milliseconds(500), outputLimit: 1024)
    let environment = ProcessInfo.processInfo.environment

    func shell(_ script: String) -> ProcessSpec {
        ProcessSpec(executable: "sh", arguments: ["-c", script], environment: environment)
    }

    @Test("captures standard output, standard error and the exit code")
    func capturesOutput() async throws {
        let result = try await runner.run(shell("echo out; echo err >&2; exit 3"))
        #expect(result.stdout == "out\n")
        #expect(result.stderr == "err\n")
        #expect(result.status == .exited(3))
        #expect(result.terminatedBy == nil)
    }

    @Test("passes exactly the given environment")
    func environmentIsPassed() async throws {
        let spec = ProcessSpec(executable: "/bin/sh", arguments: ["-c", "echo $ONLY"], environment: ["ONLY": "this"])
        #expect(try await runner.run(spec).stdout == "this\n")
    }

    @Test("keeps only the tail of long output and says so")
    func boundedOutput() async throws {
        let result = try await runner.run(shell("seq 1 5000; echo last"))
        #expect(result.outputTruncated)
        #expect(result.stdout.utf8.count == 1024)
        #expect(result.stdout.hasSuffix("5000\nlast\n"))
    }

    @Test("a deadline stops the whole process group")
    func deadlineKillsGroup() async throws {
        let started = Mutex<pid_t>(0)
        let result = try await runner.run(shell("sleep 30 & sleep 30"), deadline: .now + .milliseconds(300)) { pid in
            started.withLock { $0 = pid }
        }
        #expect(result.terminatedBy == .deadlineExceeded)
        #expect(result.status == .signaled(SIGTERM))
        #expect(await groupVanishes(started.withLock { $0 }), "the background sleep survived")
    }

    /// Killed members may linger briefly as zombies until init reaps them.
    func groupVanishes(_ group: pid_t) async -> Bool {
        await eventually(timeout: .seconds(5)) { kill(-group, 0) == -1 && errno == ESRCH }
    }

    @Test("a process that ignores SIGTERM is killed after the grace period")
    func sigkillAfterGrace() async throws {
        let result = try await runner.run(shell("trap '' TERM; sleep 30"), deadline: .now + .milliseconds(200))
        #expect(result.terminatedBy == .deadlineExceeded)
        #expect(result.status == .signaled(SIGKILL))
    }

    @Test("cancelling the task stops the process")
    func cancellation() async throws {
        let (started, starting) = AsyncStream.makeStream(of: pid_t.self)
        // Ten minutes of sleep: this test's task may wait over a minute for a thread of the
        // cooperative pool in a full parallel run on two cores, and the cancel must come first.
        let task = Task { try await runner.run(shell("sleep 600"), deadline: .now + .seconds(1200)) { starting.yield($0) } }
        for await _ in started { break }
        task.cancel()
        let result = try await task.value
        #expect(result.terminatedBy == .cancelled)
    }

    @Test("an executable that is not on PATH is a clear error")
    func missingExecutable() async {
        await #expect(throws: ProcessError.executableNotFound("no-such-helm")) {
            try await runner.run(ProcessSpec(executable: "no-such-helm", arguments: [], environment: ["PATH": "/nonexistent"]))
        }
    }
}
