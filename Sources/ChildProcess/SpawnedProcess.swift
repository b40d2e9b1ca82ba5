import CProcessShims
import Dispatch
import FleetAPI
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One running child: a background reader drains its pipes and reaps it; `terminate` signals its group.
/// The child dies with this process (see `cshim_spawn`).
final class SpawnedProcess: Sendable {
    let pid: pid_t
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    private struct State {
        var reaped = false
        var terminatedBy: TerminationReason?
        var result: ProcessResult?
        var waiters: [CheckedContinuation<ProcessResult, Never>] = []
    }

    private init(pid: pid_t) {
        self.pid = pid
    }

    static func spawn(_ spec: ProcessSpec, outputLimit: Int) throws -> SpawnedProcess {
        let executable = try resolveExecutable(spec.executable, environment: spec.environment)
        // O_CLOEXEC: another child spawned concurrently must not inherit our write ends, or we
        // would never see end-of-file. dup2 onto 1 and 2 clears the flag in our own child.
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard cshim_pipe_cloexec(&stdoutPipe) == 0 else {
            throw ProcessError.launchFailed(executable: executable, errno: errno)
        }
        guard cshim_pipe_cloexec(&stderrPipe) == 0 else {
            let code = errno
            for fd in stdoutPipe { close(fd) }
            throw ProcessError.launchFailed(executable: executable, errno: code)
        }

        // The shim starts the child in its own process group (so `terminate` reaches whatever it
        // starts) and ties its life to ours: a server killed with SIGKILL takes helm with it.
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + spec.arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = spec.environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for argument in argv { free(argument) }
            for variable in envp { free(variable) }
        }

        var pid: pid_t = 0
        let code = cshim_spawn(executable, argv, envp, stdoutPipe[1], stderrPipe[1], &pid)
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard code == 0 else {
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw ProcessError.launchFailed(executable: executable, errno: code)
        }
        let process = SpawnedProcess(pid: pid)
        let (stdoutFD, stderrFD) = (stdoutPipe[0], stderrPipe[0])
        DispatchQueue.global().async {
            process.collect(stdout: stdoutFD, stderr: stderrFD, limit: outputLimit)
        }
        return process
    }

    func result() async -> ProcessResult {
        await withCheckedContinuation { continuation in
            let finished = state.withLock { state -> ProcessResult? in
                if let result = state.result { return result }
                state.waiters.append(continuation)
                return nil
            }
            if let finished { continuation.resume(returning: finished) }
        }
    }

    /// SIGTERM to the group now, SIGKILL after the grace period if the process is still there.
    /// Only the first call counts: its reason is the one reported.
    func terminate(_ reason: TerminationReason, gracePeriod: Duration) {
        let signalled = state.withLock { state -> Bool in
            guard !state.reaped, state.terminatedBy == nil else { return false }
            state.terminatedBy = reason
            kill(-pid, SIGTERM)
            return true
        }
        guard signalled else { return }
        DispatchQueue.global().asyncAfter(deadline: .now() + gracePeriod.seconds) { [self] in
            state.withLock { state in
                if !state.reaped { kill(-pid, SIGKILL) }
            }
        }
    }

    /// Runs on a dispatch thread: reads both pipes to end-of-file, then reaps the child.
    private func collect(stdout: Int32, stderr: Int32, limit: Int) {
        var outputs = [TailBuffer(limit: limit), TailBuffer(limit: limit)]
        var fds = [
            pollfd(fd: stdout, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderr, events: Int16(POLLIN), revents: 0),
        ]
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var exitStatus: Int32?
        var strayKilled = false
        while fds.contains(where: { $0.fd >= 0 }) {
            let ready = poll(&fds, nfds_t(fds.count), 200)
            if ready < 0, errno != EINTR { break }
            for index in fds.indices where fds[index].fd >= 0 && fds[index].revents != 0 {
                let count = read(fds[index].fd, &chunk, chunk.count)
                if count > 0 {
                    outputs[index].append(chunk[0..<count])
                } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                    close(fds[index].fd)
                    fds[index].fd = -1
                }
            }
            if exitStatus == nil { exitStatus = reap(blocking: false) }
            if exitStatus != nil, !strayKilled {
                // The child is gone but something it started may still hold our pipes open.
                kill(-pid, SIGKILL)
                strayKilled = true
            }
        }
        if exitStatus == nil {
            // Wait without reaping, so `terminate` never signals a process ID that was recycled.
            var info = siginfo_t()
            while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) < 0, errno == EINTR {}
            exitStatus = reap(blocking: true)
        }
        finish(status: exitStatus ?? 0, stdout: outputs[0], stderr: outputs[1])
    }

    private func reap(blocking: Bool) -> Int32? {
        state.withLock { state -> Int32? in
            var status: Int32 = 0
            var result: pid_t
            repeat {
                result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            } while result < 0 && errno == EINTR
            guard result == pid else { return nil }
            state.reaped = true
            return status
        }
    }

    private func finish(status raw: Int32, stdout: TailBuffer, stderr: TailBuffer) {
        let status: ExitStatus = raw & 0x7f == 0 ? .exited((raw >> 8) & 0xff) : .signaled(raw & 0x7f)
        let duration = ContinuousClock.now - started
        let waiters = state.withLock { state in
            let result = ProcessResult(
                pid: pid,
                status: status,
                stdout: stdout.text,
                stderr: stderr.text,
                outputTruncated: stdout.truncated || stderr.truncated,
                terminatedBy: state.terminatedBy,
                duration: duration
            )
            state.result = result
            defer { state.waiters = [] }
            return state.waiters.map { ($0, result) }
        }
        for (waiter, result) in waiters { waiter.resume(returning: result) }
    }
}

/// Keeps the last `limit` bytes of a stream.
struct TailBuffer {
    let limit: Int
    private var bytes: [UInt8] = []
    private var dropped = false

    init(limit: Int) {
        self.limit = limit
    }

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        bytes.append(contentsOf: chunk)
        if bytes.count > limit * 2 {
            bytes.removeFirst(bytes.count - limit)
            dropped = true
        }
    }

    var text: String {
        let kept = bytes.count > limit ? bytes.suffix(limit) : bytes[...]
        return String(decoding: kept, as: UTF8.self)
    }

    var truncated: Bool { dropped || bytes.count > limit }
}
