import ChildProcess
public import FleetAPI
import Foundation
public import HelmDriver

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

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
        var latest: ReleaseStatus?
        while true {
            latest = try await latestStatus(of: release)
            if latest == status { return }
            guard ContinuousClock.now < deadline else {
                throw ReleaseWaitTimeout(description: "\(release) never reached \(status) (latest: \(latest?.rawValue ?? "no release"))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The status of the release's latest revision, read from Helm's storage over the API: each
    /// revision is a Secret labelled `owner=helm`, `name`, `version` and `status`
    /// (pkg/storage/driver/secrets.go). No helm process, so polling costs the host next to nothing.
    public func latestStatus(of release: ReleaseRef) async throws -> ReleaseStatus? {
        let path = "/api/v1/namespaces/\(release.namespace)/secrets?labelSelector=owner%3Dhelm%2Cname%3D\(release.name)"
        let (data, _) = try await URLSession.shared.data(from: URL(string: url + path)!)
        let list = try JSONDecoder().decode(SecretList.self, from: data)
        let latest = list.items.compactMap(\.metadata.labels).max { Int($0["version"] ?? "") ?? 0 < Int($1["version"] ?? "") ?? 0 }
        return latest?["status"].map(ReleaseStatus.init(rawValue:))
    }

    private struct SecretList: Decodable {
        var items: [Item]
        struct Item: Decodable { var metadata: Metadata }
        struct Metadata: Decodable { var labels: [String: String]? }
    }

    public struct ReleaseWaitTimeout: Error, CustomStringConvertible {
        public var description: String
    }
}
