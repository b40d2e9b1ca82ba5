import Yams

/// A chart repository's `index.yaml` as helm caches it: which versions of which charts it offers.
public enum RepositoryIndex {
    /// helmpath.CacheIndexFile: the cached index of repository `name`, in `HELM_REPOSITORY_CACHE`.
    public static func fileName(repository name: String) -> String {
        "\(name)-index.yaml"
    }

    /// Every chart's versions (`entries: {CHART: [{version: ...}, ...]}`), in the index's order
    /// (newest first, as helm sorts it: repo.IndexFile.SortEntries).
    public static func versions(in text: String) throws -> [String: [String]] {
        guard case .mapping(let top)? = try Yams.compose(yaml: text), case .mapping(let entries)? = top["entries"] else { return [:] }
        var versions: [String: [String]] = [:]
        for (name, list) in entries {
            guard let chart = name.scalar?.string, case .sequence(let items) = list else { continue }
            versions[chart] = items.compactMap { $0.mapping?["version"]?.scalar?.string }
        }
        return versions
    }
}
