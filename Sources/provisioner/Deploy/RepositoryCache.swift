import HelmDriver

/// Adds each chart repository (`helm repo add --force-update` + `helm repo update NAME`) once per
/// process, however many deployments ask for it at the same time. A failure is not remembered,
/// so the next deployment tries again.
///
/// helm finds `REPO/CHART --version V` in the index it cached at the last update
/// (pkg/downloader/chart_downloader.go), so a version published since is "not found" until the
/// index is refreshed: `refresh` does that, at most once per repository per `refreshInterval`.
actor RepositoryCache {
    private let helm: HelmClient
    private let refreshInterval: Duration
    private var ready: [String: Task<Void, any Error>] = [:]
    private var refreshed: [String: ContinuousClock.Instant] = [:]

    init(helm: HelmClient, refreshInterval: Duration = .seconds(60)) {
        self.helm = helm
        self.refreshInterval = refreshInterval
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

    /// Re-reads the repository's index unless that was done within `refreshInterval`; says whether
    /// a newer index may now be there.
    func refresh(name: String) async -> Bool {
        if let last = refreshed[name], ContinuousClock.now - last < refreshInterval { return false }
        refreshed[name] = .now
        do {
            _ = try await helm.output(HelmArguments.repoUpdate([name]))
            return true
        } catch {
            return false
        }
    }
}
