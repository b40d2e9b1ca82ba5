import Foundation
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
    /// `helm env HELM_REPOSITORY_CACHE`, asked once.
    private var indexDirectory: String?
    /// Each cached index read, by path, until helm writes it again.
    private var indexes: [String: (modified: Date, versions: [String: [String]])] = [:]

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

    /// The versions of `chart` in the index helm cached for repository `name` at its last update
    /// (`$HELM_REPOSITORY_CACHE/NAME-index.yaml`, helmpath.CacheIndexFile), as the index lists
    /// them (newest first, repo.IndexFile.SortEntries): what `helm upgrade --version` can find.
    func versions(of chart: String, repository name: String) async throws -> [String] {
        if indexDirectory == nil {
            let printed = try await helm.output(HelmArguments.env("HELM_REPOSITORY_CACHE"))
            indexDirectory = printed.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let path = "\(indexDirectory ?? "")/\(RepositoryIndex.fileName(repository: name))"
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date ?? .distantPast
        if let cached = indexes[path], cached.modified == modified { return cached.versions[chart] ?? [] }
        let versions = try RepositoryIndex.versions(in: String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self))
        indexes[path] = (modified, versions)
        return versions[chart] ?? []
    }
}
