import Crypto
import FleetAPI
import Foundation
import Synchronization

/// The stored kubeconfigs that already passed the policy. The check parses the whole YAML, and a
/// dispatch repeated it for every deployment of every cluster (7% of the cloud server's CPU in a
/// 3,000-cluster rollout). Keyed by the text's digest, so a changed kubeconfig is checked again;
/// the policy is the server's own, fixed for its life. Refusals are not kept: they are rare, and
/// their reason is wanted each time.
final class KubeconfigChecks: Sendable {
    let policy: KubeconfigPolicy
    /// Bounded: past this many, it starts again empty.
    private let limit: Int
    private let passed = Mutex<Set<Data>>([])

    init(policy: KubeconfigPolicy, limit: Int = 100_000) {
        self.policy = policy
        self.limit = limit
    }

    func check(_ text: String) throws(Kubeconfig.Invalid) {
        let digest = Data(SHA256.hash(data: Data(text.utf8)))
        if passed.withLock({ $0.contains(digest) }) { return }
        _ = try Kubeconfig(parsing: text, policy: policy)
        passed.withLock { passed in
            if passed.count >= limit { passed.removeAll(keepingCapacity: true) }
            passed.insert(digest)
        }
    }
}
