import Crypto
import Foundation

extension DeploymentRequest {
    /// SHA-256 of the request's JSON with sorted keys: equal for equal requests, so a retried POST
    /// is recognised by a provisioner that no longer holds the request itself (its kubeconfig and
    /// values are credentials, let go of once the deployer has them).
    public var fingerprint: [UInt8] {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting = [.sortedKeys]
        // A request decoded from JSON always encodes; were one not to, a random fingerprint
        // matches nothing, so a retry of it is refused as a conflict rather than taken for another.
        let data = (try? encoder.encode(self)) ?? Data(ID.make().utf8)
        return Array(SHA256.hash(data: data))
    }
}
