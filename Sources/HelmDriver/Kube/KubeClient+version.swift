import Foundation

extension KubeClient {
    /// The API server's version as `GET /version` answers it (`gitVersion`, e.g.
    /// `v1.30.2-eks-1552ad0`); nil when it answers without one.
    public func serverVersion() async throws(Failure) -> String? {
        guard let data = try await get("/version") else { return nil }
        struct Info: Decodable { var gitVersion: String? }
        return (try? JSONDecoder().decode(Info.self, from: data))?.gitVersion
    }
}
