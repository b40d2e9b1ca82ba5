import Foundation
import Internal

extension KubeEmulator {
    /// The release's revisions as the testbed's helm (state under `scratch`) reports them; empty
    /// when it does not exist.
    public func history(_ release: ReleaseRef, scratch: String) async throws -> [ReleaseRevision] {
        let helm = HelmClient(configuration: Testbed.helmConfiguration(scratch: scratch), logger: Testbed.logger)
        let arguments = HelmArguments.history(release, max: 100)
        let result = try await helm.run(arguments, kubeconfig: kubeconfigPath, deadline: .now + .seconds(60))
        if result.stderr.contains("release: not found") { return [] }
        try helm.check(result, arguments: arguments)
        return try JSONDecoder().decode([ReleaseRevision].self, from: Data(result.stdout.utf8))
    }

    /// Polls until the release's latest revision has `status` (e.g. pending-install).
    public func waitFor(_ status: ReleaseStatus, of release: ReleaseRef, scratch: String, timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        while try await history(release, scratch: scratch).last?.status != status {
            guard ContinuousClock.now < deadline else { throw ReleaseWaitTimeout(description: "\(release) never reached \(status)") }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    public struct ReleaseWaitTimeout: Error, CustomStringConvertible {
        public var description: String
    }
}
