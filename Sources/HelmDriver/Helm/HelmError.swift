public import ChildProcess
import Foundation

/// A helm command that did not succeed, classified from its exit and its `Error:` lines so callers
/// branch on the kind, never on message text.
public struct HelmError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        case releaseNotFound
        /// `uninstall` deleted the release but some resources did not go in time.
        case uninstalledWithErrors
        /// Another operation holds the release (a pending-* revision).
        case operationInProgress
        /// Another operation still held the release (see `ReleaseHold`) at our deadline; this
        /// operation changed nothing.
        case releaseHeld
        /// `upgrade` of a release with no deployed revision.
        case noDeployedReleases
        /// Helm's own `--timeout` expired while waiting for resources (or a hook).
        case timedOut
        /// The API server could not be reached or did not answer in time.
        case clusterUnreachable
        case chartNotFound
        /// Our deadline stopped the helm process.
        case deadlineExceeded
        /// The caller cancelled and the helm process was stopped.
        case cancelled
        /// helm could not be started at all.
        case notRunnable
        /// Helm's output was not what this version of the code understands.
        case unreadableOutput
        /// `helm test` failed after the release deployed: the revision counts as failed.
        case testFailed
        /// Server-side apply (Helm 4) met fields another manager changed since the last apply
        /// (`kubectl scale`, an edit): the apply did not force them back.
        case fieldConflict
        case failed
    }

    public var kind: Kind
    /// The helm subcommand, e.g. "upgrade".
    public var command: String
    public var message: String

    public init(kind: Kind, command: String, message: String) {
        self.kind = kind
        self.command = command
        self.message = message
    }

    public var description: String { "helm \(command): \(message)" }

    /// What a person reads first: for a conflict, what it means and how to resolve it, then Helm's
    /// words, which name the object, the fields and the managers that changed them.
    public var explanation: String {
        guard kind == .fieldConflict else { return message }
        return "fields of the release were changed by another manager since the last apply, and server-side apply does not "
            + "take them back without forcing (a drift correction does, with --drift-correction correct): \(message)"
    }

    /// Classifies a failed command from its standard error.
    public static func classify(command: String, stderr: String, status: ExitStatus) -> HelmError {
        let message = errorMessage(from: stderr) ?? "helm exited with \(status)"
        let lowered = message.lowercased()
        let kind: Kind =
            if lowered.hasPrefix("uninstallation completed with") {
                .uninstalledWithErrors
            } else if lowered.contains("another operation (install/upgrade/rollback) is in progress") {
                .operationInProgress
            } else if lowered.contains("has no deployed releases") {
                .noDeployedReleases
            } else if lowered.contains("release: not found") || lowered.contains("release not loaded") {
                .releaseNotFound
            } else if isTransportFailure(lowered) {
                .clusterUnreachable
            } else if lowered.contains("timed out waiting for the condition")
                || lowered.contains("context deadline exceeded")
            {
                .timedOut
            } else if isChartNotFound(lowered) {
                .chartNotFound
            } else if lowered.wholeMatch(of: /.*apply failed with \d+ conflicts?: conflicts? with .*/) != nil {
                .fieldConflict
            } else {
                .failed
            }
        return HelmError(kind: kind, command: command, message: message)
    }

    /// A wait that timed out and a request to the API server that timed out both end "context
    /// deadline exceeded"; only the latter names the connection (client-go's transport errors:
    /// `Get "https://...": dial tcp ...`, `Kubernetes cluster unreachable`, `Client.Timeout`).
    static func isTransportFailure(_ lowered: String) -> Bool {
        [
            "kubernetes cluster unreachable", "dial tcp", "client.timeout exceeded", "tls handshake timeout",
            "i/o timeout", "connection refused", "no such host",
        ].contains { lowered.contains($0) }
            || lowered.wholeMatch(of: /.*\b(get|post|put|patch|delete) "https?:\/\/.*/) != nil
    }

    /// Every way Helm 3 and 4 say a chart is not there, on either the repository path
    /// (pkg/repo/index.go, pkg/downloader/chart_downloader.go) or a local path.
    static func isChartNotFound(_ lowered: String) -> Bool {
        lowered.contains("no chart version found") || lowered.contains("no chart name found")
            || lowered.wholeMatch(of: /.*chart ".*" (version ".*" |matching .* )?not found.*/) != nil
            || lowered.wholeMatch(of: /.*\brepo \S+ not found.*/) != nil
    }

    /// Helm prints `Error: ...` last, after warnings and progress; Helm 4 may continue it on the
    /// following lines ("...not ready\ncontext deadline exceeded"), so those are kept too.
    static func errorMessage(from stderr: String) -> String? {
        let lines = stderr.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let start = lines.lastIndex(where: { $0.hasPrefix("Error: ") }) else {
            return lines.last.map { String($0.prefix(2000)) }
        }
        let message = ([String(lines[start].dropFirst("Error: ".count))] + lines[(start + 1)...]).joined(separator: ": ")
        return String(message.prefix(2000))
    }
}
