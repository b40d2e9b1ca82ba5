import Internal

/// Adds each chart repository (`helm repo add --force-update` + `helm repo update NAME`) once per
/// process, however many deployments ask for it at the same time. A failure is not remembered,
/// so the next deployment tries again.
actor RepositoryCache {
    private let helm: HelmClient
    private var ready: [String: Task<Void, any Error>] = [:]

    init(helm: HelmClient) {
        self.helm = helm
    }

    func ensure(name: String, url: String) async throws {
        let key = "\(name) \(url)"
        if let task = ready[key] {
            return try await task.value
        }
        let helm = self.helm
        let task = Task {
            _ = try await helm.output(HelmArguments.repoAdd(name: name, url: url))
            _ = try await helm.output(HelmArguments.repoUpdate([name]))
        }
        ready[key] = task
        do {
            try await task.value
        } catch {
            ready[key] = nil
            throw error
        }
    }
}
