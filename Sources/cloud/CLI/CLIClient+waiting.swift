import Foundation

extension CLIClient {
    /// Polls a deployment until it is final; its last answer, decoded and as sent. Past `deadline`
    /// it fails, naming the deployment as `what` (e.g. "the plan X") and the time waited.
    func finalDeployment(_ id: String, by deadline: ContinuousClock.Instant, waited: String, what: String) async throws -> (Deployment, Data) {
        while true {
            let data = try await call("GET", "/api/deployment/\(id)")
            let current = try JSONDecoder().decode(Deployment.self, from: data)
            if current.state.isFinal { return (current, data) }
            guard ContinuousClock.now < deadline else {
                throw Failure(description: "\(what) still \(current.state.rawValue) after \(waited)")
            }
            try await Task.sleep(for: .milliseconds(500))
        }
    }
}
