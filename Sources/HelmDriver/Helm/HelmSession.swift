import ChildProcess
import FleetAPI
import Foundation
import Synchronization

/// One release operation's view of helm: the kubeconfig file it talks through and a transcript of
/// what ran, which becomes the deployment's log.
final class HelmSession: Sendable {
    let client: HelmClient
    let kubeconfig: String
    /// Reads the release's Lease while waiting for another operation; nil when runs hold none.
    let leases: KubeClient?
    /// The Lease a helm run may take before it runs out: any, when the client says every earlier
    /// attempt has ended; one version, once this operation saw it abandoned.
    private let takeover: Mutex<LeaseTakeover>
    private let onStart: (@Sendable (pid_t) -> Void)?
    private let lines = Mutex<[String]>([])
    private static let transcriptLimit = 100

    init(client: HelmClient, kubeconfig: String, onStart: (@Sendable (pid_t) -> Void)?, leases: KubeClient? = nil, takesOverLeases: Bool = false) {
        self.leases = leases
        self.takeover = Mutex(takesOverLeases ? .any : .none)
        self.client = client
        self.kubeconfig = kubeconfig
        self.onStart = onStart
    }

    var transcript: [String] { lines.withLock { $0 } }

    /// From now on, helm runs may take the release's Lease at `version`, seen abandoned.
    func takeOver(leaseVersion version: String) {
        takeover.withLock { if $0 != .any { $0 = .version(version) } }
    }

    /// Runs a command against the cluster and returns its standard output, or throws a classified
    /// error. A failure of an `expected` kind is noted in the transcript in one line, not as an error.
    /// - Parameter echo: how many of the last lines of standard output go into the transcript
    ///   too (`helm test --logs`: the test pods' output); the caller redacts the transcript.
    func run(
        _ arguments: [String],
        deadline: ContinuousClock.Instant,
        expected: Set<HelmError.Kind> = [],
        echo: Int = 0
    ) async throws(HelmError) -> String {
        let result = try await client.run(
            arguments,
            kubeconfig: kubeconfig,
            deadline: deadline,
            onStart: onStart,
            takingOverLease: takeover.withLock { $0 }
        )
        do {
            try client.check(result, arguments: arguments)
            record(arguments, result, error: nil, expected: false, echo: echo)
            return result.stdout
        } catch {
            record(arguments, result, error: error, expected: expected.contains(error.kind), echo: echo)
            throw error
        }
    }

    /// The release's last `max` revisions (by default all it keeps), oldest first; empty when the
    /// release does not exist.
    func history(_ release: ReleaseRef, max: Int? = nil) async throws(HelmError) -> [ReleaseRevision] {
        let arguments = HelmArguments.history(release, max: max ?? client.configuration.historyMax + 10)
        let output: String
        do {
            output = try await run(arguments, deadline: .now + client.configuration.commandTimeout, expected: [.releaseNotFound])
        } catch  where error.kind == .releaseNotFound {
            return []
        }
        do {
            return try JSONDecoder().decode([ReleaseRevision].self, from: Data(output.utf8))
                .sorted { $0.revision < $1.revision }
        } catch {
            throw HelmError(kind: .unreadableOutput, command: "history", message: "unexpected output: \(error)")
        }
    }

    /// Carries out a recovery or remediation step with its own budget and reports how it went.
    func perform(_ action: RecoveryAction, on release: ReleaseRef) async -> RemediationRecord {
        let configuration = client.configuration
        let deadline = ContinuousClock.now + configuration.cleanupTimeout
        let timeout = HelmTimeout.forHelm(until: deadline)
        do {
            switch action {
            case .rollback(let revision):
                _ = try await run(
                    HelmArguments.rollback(release, to: revision, timeout: timeout, historyMax: configuration.historyMax),
                    deadline: deadline
                )
            case .uninstall:
                try await uninstall(release, timeout: timeout, deadline: deadline)
            }
            return RemediationRecord(action, error: nil)
        } catch {
            return RemediationRecord(action, error: error.message)
        }
    }

    /// `helm uninstall --wait`. A release that is not there is already gone; one whose wait for
    /// deleted resources timed out is gone too: Helm deletes the release record before it waits
    /// and reports "uninstallation completed with N error(s)" (pkg/action/uninstall.go), which
    /// stays in the transcript as a warning.
    func uninstall(_ release: ReleaseRef, timeout: Duration, deadline: ContinuousClock.Instant) async throws(HelmError) {
        do {
            _ = try await run(
                HelmArguments.uninstall(release, timeout: timeout),
                deadline: deadline,
                expected: [.releaseNotFound, .uninstalledWithErrors]
            )
        } catch  where error.kind == .releaseNotFound || error.kind == .uninstalledWithErrors {}
    }

    /// How many times `line` says the command `name` worked in a row: 1 for its plain summary, N for
    /// one already counted; nil for any other line.
    private static func repeated(_ name: String, in line: String) -> Int? {
        guard line.hasPrefix("\(name): ok in ") else { return nil }
        guard let counted = line.firstMatch(of: /\((\d+) times\)$/) else { return 1 }
        return Int(counted.output.1)
    }

    /// A line of the transcript that is not a helm command's.
    func note(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    /// One summary line per command, then what helm printed on stderr when it matters: warnings
    /// of a command that worked, the tail of one that failed.
    private func record(_ arguments: [String], _ result: ProcessResult, error: HelmError?, expected: Bool, echo: Int = 0) {
        let name =
            "helm \(HelmClient.commandName(arguments)) \(arguments.dropFirst(HelmClient.commandName(arguments).split(separator: " ").count).first(where: { !$0.hasPrefix("-") }) ?? "")"
        let took = String(format: "%.1fs", result.duration.seconds)
        let outcome =
            switch (error, expected) {
            case (nil, _): "ok in \(took)"
            case (let error?, true): error.message
            case (let error?, false): "failed after \(took): \(error.message)"
            }
        let stderr = expected ? [] : result.stderr.split(whereSeparator: \.isNewline).suffix(20).map(String.init)
        lines.withLock { lines in
            // A command that worked again as it did just before (a held release's history, polled)
            // is one line with a count, not a line per poll.
            if error == nil, echo == 0, stderr.isEmpty, let last = lines.last, let count = Self.repeated(name, in: last) {
                lines[lines.count - 1] = "\(name): \(outcome) (\(count + 1) times)"
                return
            }
            lines.append("\(name): \(outcome)")
            lines.append(contentsOf: result.stdout.split(whereSeparator: \.isNewline).suffix(echo).map { "  \($0)" })
            lines.append(contentsOf: stderr.filter { !$0.hasPrefix("Error: ") })
            if lines.count > Self.transcriptLimit { lines.removeFirst(lines.count - Self.transcriptLimit) }
        }
    }
}
