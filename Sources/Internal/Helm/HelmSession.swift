import Foundation
import Synchronization

/// One release operation's view of helm: the kubeconfig file it talks through and a transcript of
/// what ran, which becomes the deployment's log.
final class HelmSession: Sendable {
    let client: HelmClient
    let kubeconfig: String
    private let onStart: (@Sendable (pid_t) -> Void)?
    private let lines = Mutex<[String]>([])
    private static let transcriptLimit = 100

    init(client: HelmClient, kubeconfig: String, onStart: (@Sendable (pid_t) -> Void)?) {
        self.client = client
        self.kubeconfig = kubeconfig
        self.onStart = onStart
    }

    var transcript: [String] { lines.withLock { $0 } }

    /// Runs a command against the cluster and returns its standard output, or throws a classified error.
    func run(_ arguments: [String], deadline: ContinuousClock.Instant) async throws(HelmError) -> String {
        let result = try await client.run(arguments, kubeconfig: kubeconfig, deadline: deadline, onStart: onStart)
        record(arguments, result)
        try client.check(result, arguments: arguments)
        return result.stdout
    }

    /// The release's revisions, oldest first; empty when the release does not exist.
    func history(_ release: ReleaseRef) async throws(HelmError) -> [ReleaseRevision] {
        let arguments = HelmArguments.history(release, max: client.configuration.historyMax + 10)
        let output: String
        do {
            output = try await run(arguments, deadline: .now + client.configuration.commandTimeout)
        } catch where error.kind == .releaseNotFound {
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
                    deadline: deadline)
            case .uninstall:
                do {
                    _ = try await run(HelmArguments.uninstall(release, timeout: timeout), deadline: deadline)
                } catch where error.kind == .releaseNotFound {}
            }
            return RemediationRecord(action, error: nil)
        } catch {
            return RemediationRecord(action, error: error.message)
        }
    }

    private func record(_ arguments: [String], _ result: ProcessResult) {
        let summary = "helm \(arguments.prefix(3).joined(separator: " ")): \(result.status), \(String(format: "%.1fs", result.duration.seconds))"
        let stderr = result.stderr.split(whereSeparator: \.isNewline).suffix(20).map(String.init)
        lines.withLock { lines in
            lines.append(summary)
            lines.append(contentsOf: stderr)
            if lines.count > Self.transcriptLimit { lines.removeFirst(lines.count - Self.transcriptLimit) }
        }
    }
}

/// What was done to a release to get it out of a failed or pending state.
public struct RemediationRecord: Sendable, Hashable, Codable {
    /// "rollback" or "uninstall".
    public var action: String
    /// The revision rolled back to.
    public var revision: Int?
    /// Why the step itself failed; nil when it worked.
    public var error: String?

    public init(_ action: RecoveryAction, error: String?) {
        switch action {
        case .rollback(let revision):
            self.action = "rollback"
            self.revision = revision
        case .uninstall:
            self.action = "uninstall"
            self.revision = nil
        }
        self.error = error
    }

    enum CodingKeys: String, CodingKey {
        case action = "Action", revision = "Revision", error = "Error"
    }
}

enum HelmTimeout {
    /// Helm's own --timeout, a little inside our deadline so helm can report a timeout itself
    /// (and record the revision failed) before we have to kill it.
    static func forHelm(until deadline: ContinuousClock.Instant) -> Duration {
        let remaining = deadline - .now
        let margin = min(max(remaining / 5, .seconds(3)), .seconds(15))
        return max(remaining - margin, .seconds(1))
    }
}
