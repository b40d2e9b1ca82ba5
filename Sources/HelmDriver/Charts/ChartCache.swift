import ChildProcess
import Crypto
import Foundation

/// Charts pulled with `helm pull`, kept on disk by digest (`DIR/sha256/HEX/NAME-VERSION.tgz`, under the
/// name helm gave it, which its provenance names, and the `.prov` beside it). The digest is the
/// manifest digest helm prints for a chart from an OCI registry, and the archive's own sha256 for one
/// from a repository (the `digest` its index.yaml lists). A chart is fetched once however many clusters
/// install it, concurrent requests for one version share one pull, and a pinned digest already here is
/// served without asking its source. Which digest a version (a tag) has is asked again after
/// `tagLifetime`, since a version can be published again with other content; that is then seen, and
/// refused where a digest is pinned. A registry is asked for the tag's manifest only
/// (`RegistryManifests`), where it allows, so the archive is fetched again only when the tag moved. The archives outlive the process and are bounded by `capacity`
/// bytes, the least recently used going first.
public actor ChartCache {
    /// A chart archive on disk, the digest it was pulled by, and its provenance (`.prov`) when the
    /// registry had one.
    public struct Pulled: Sendable, Equatable {
        public var path: String
        public var digest: String
        public var provenance: String?
    }

    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// helm could not pull it (its error's kind: e.g. `chartNotFound`).
            case pull(HelmError.Kind)
            /// The source has other content for the version than the pinned digest.
            case digestMismatch
        }

        public var kind: Kind
        public var description: String
    }

    private let directory: String
    private let capacity: Int
    private let tagLifetime: Duration
    private let helm: HelmClient
    /// Fetch each chart's provenance too, where the registry has one (`helm pull --prov`).
    private let provenance: Bool
    private var tags: [String: (digest: String, at: ContinuousClock.Instant)] = [:]
    private var pulling: [String: Task<Pulled, any Error>] = [:]
    private let manifests = RegistryManifests()
    /// Told how each request was served: `hit`, `rechecked` (by the tag's manifest), `pulled`, or
    /// `shared` (it waited for a pull another request started).
    private var observer: (@Sendable (String) -> Void)?

    /// - Parameters:
    ///   - provenance: fetch each chart's `.prov` too, when the registry has one.
    public init(directory: String, capacity: Int, tagLifetime: Duration, helm: HelmClient, provenance: Bool = false) {
        self.directory = directory
        self.capacity = capacity
        self.tagLifetime = tagLifetime
        self.helm = helm
        self.provenance = provenance
    }

    public func observe(_ observer: @escaping @Sendable (String) -> Void) {
        self.observer = observer
    }

    /// The archive of `reference` (`oci://HOST/PATH/NAME`, or `REPO/NAME` of an added repository) at
    /// `version`; with `pinned`, only if that is its digest. `plainHTTP` for a registry served over
    /// HTTP; `registryConfig`: the logins helm reads (`--registry-config`), if not helm's own.
    public func chart(
        _ reference: String,
        version: String,
        pinned: String?,
        plainHTTP: Bool = false,
        registryConfig: String? = nil,
        deadline: ContinuousClock.Instant
    ) async throws(Failure) -> Pulled {
        if let pinned, let path = stored(pinned), provenanceSettled(path) {
            observer?("hit")
            return Pulled(path: path, digest: pinned, provenance: Self.provenance(of: path))
        }
        let key = "\(reference):\(version)"
        if let known = tags[key], let path = stored(known.digest), provenanceSettled(path) {
            var fresh = ContinuousClock.now - known.at < tagLifetime
            var served = "hit"
            if !fresh, reference.lowercased().hasPrefix("oci://") {
                served = "rechecked"
                // Asked again by its manifest: the archive is fetched only when the tag moved.
                let now = await manifests.digest(
                    of: reference,
                    tag: version,
                    plainHTTP: plainHTTP,
                    registryConfig: registryConfig,
                    deadline: deadline
                )
                fresh = now == known.digest
                if fresh { tags[key] = (known.digest, .now) }
            }
            if fresh {
                observer?(served)
                return try Self.checked(Pulled(path: path, digest: known.digest, provenance: Self.provenance(of: path)), pinned: pinned, key: key)
            }
        }
        observer?(pulling[key] == nil ? "pulled" : "shared")
        let task =
            pulling[key]
            ?? Task { try await self.pull(reference, version: version, plainHTTP: plainHTTP, registryConfig: registryConfig, deadline: deadline) }
        pulling[key] = task
        let pulled: Pulled
        do {
            pulled = try await task.value
        } catch {
            pulling[key] = nil
            throw (error as? Failure) ?? Failure(kind: .pull(.failed), description: "\(error)")
        }
        pulling[key] = nil
        tags[key] = (pulled.digest, .now)
        return try Self.checked(pulled, pinned: pinned, key: key)
    }

    private static func checked(_ pulled: Pulled, pinned: String?, key: String) throws(Failure) -> Pulled {
        guard let pinned, pinned != pulled.digest else { return pulled }
        throw Failure(
            kind: .digestMismatch,
            description: "\(key) is \(pulled.digest) at its source, not the pinned \(pinned); nothing was installed"
        )
    }

    private func pull(
        _ reference: String,
        version: String,
        plainHTTP: Bool,
        registryConfig: String?,
        deadline: ContinuousClock.Instant
    ) async throws(Failure) -> Pulled {
        let files = FileManager.default
        let scratch = "\(directory)/pull-\(UUID().uuidString)"
        defer { try? files.removeItem(atPath: scratch) }
        do {
            try files.createDirectory(atPath: "\(directory)/sha256", withIntermediateDirectories: true)
            try files.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        } catch {
            throw Failure(kind: .pull(.failed), description: "cannot write the chart cache \(directory): \(error)")
        }
        let arguments = HelmArguments.pull(
            reference,
            version: version,
            destination: scratch,
            plainHTTP: plainHTTP,
            registryConfig: registryConfig,
            provenance: provenance
        )
        do throws(HelmError) {
            let result = try await helm.run(arguments, deadline: deadline)
            try helm.check(result, arguments: arguments)
            guard let archive = try? files.contentsOfDirectory(atPath: scratch).first(where: { $0.hasSuffix(".tgz") }),
                let digest = reference.lowercased().hasPrefix("oci://")
                    ? result.stdout.firstMatch(of: /Digest: (sha256:[0-9a-f]{64})/).map({ String($0.output.1) })
                    : Self.sha256(ofFile: "\(scratch)/\(archive)")
            else { throw HelmError(kind: .unreadableOutput, command: "pull", message: "pulled no archive with a digest: \(result.stdout)") }
            if provenance, !files.fileExists(atPath: "\(scratch)/\(archive).prov") {
                // Asked for and not there: a cached chart without one is then not asked again.
                _ = files.createFile(atPath: "\(scratch)/\(archive)\(Self.noProvenance)", contents: Data())
            }
            let folder = Self.folder(of: digest, in: directory)
            let path = "\(folder)/\(archive)"
            if let kept = stored(digest) {
                // Cached before provenance was asked for: what this pull learned of it joins the archive.
                for suffix in [".prov", Self.noProvenance] where !files.fileExists(atPath: "\(kept)\(suffix)") {
                    try? files.moveItem(atPath: "\(scratch)/\(archive)\(suffix)", toPath: "\(kept)\(suffix)")
                }
            } else {
                // Moved whole: a folder holding an archive is complete for the next reader.
                try? files.removeItem(atPath: folder)
                try? files.moveItem(atPath: scratch, toPath: folder)
            }
            evict(keeping: folder)
            let kept = stored(digest) ?? path
            return Pulled(path: kept, digest: digest, provenance: Self.provenance(of: kept))
        } catch {
            throw Failure(kind: .pull(error.kind), description: error.message)
        }
    }

    /// The archive stored for `digest`, marked as just used; nil when it is not here.
    private func stored(_ digest: String) -> String? {
        let folder = Self.folder(of: digest, in: directory)
        guard let name = (try? FileManager.default.contentsOfDirectory(atPath: folder))?.first(where: { $0.hasSuffix(".tgz") }) else {
            return nil
        }
        try? FileManager.default.setAttributes([.modificationDate: Date()], ofItemAtPath: folder)
        return "\(folder)/\(name)"
    }

    /// `sha256:HEX` of a file's bytes: a repository chart's digest, as `helm repo index` lists it.
    public static func sha256(ofFile path: String) -> String? {
        FileManager.default.contents(atPath: path).map(sha256(of:))
    }

    static func sha256(of data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Beside an archive whose source was asked for its provenance and had none.
    private static let noProvenance = ".no-prov"

    /// Whether what is known of a cached archive's provenance is all its source has: always, unless
    /// provenance is wanted and the archive was cached before it was (then it is pulled again).
    private func provenanceSettled(_ archive: String) -> Bool {
        !provenance || FileManager.default.fileExists(atPath: "\(archive).prov")
            || FileManager.default.fileExists(atPath: "\(archive)\(Self.noProvenance)")
    }

    /// The `.prov` beside `archive`, if there is one.
    public static func provenance(of archive: String) -> String? {
        FileManager.default.fileExists(atPath: "\(archive).prov") ? "\(archive).prov" : nil
    }

    private static func folder(of digest: String, in directory: String) -> String {
        "\(directory)/sha256/\(digest.dropFirst("sha256:".count))"
    }

    /// Removes the least recently used archives (their folders) until the rest fit in `capacity`;
    /// never `keeping`.
    private func evict(keeping: String) {
        let files = FileManager.default
        let folder = "\(directory)/sha256"
        var entries: [(path: String, size: Int, used: Date)] = ((try? files.contentsOfDirectory(atPath: folder)) ?? []).compactMap { name in
            let path = "\(folder)/\(name)"
            guard let used = (try? files.attributesOfItem(atPath: path))?[.modificationDate] as? Date else { return nil }
            let size = ((try? files.contentsOfDirectory(atPath: path)) ?? []).reduce(0) { total, file in
                total + (((try? files.attributesOfItem(atPath: "\(path)/\(file)"))?[.size] as? Int) ?? 0)
            }
            return (path, size, used)
        }
        var total = entries.reduce(0) { $0 + $1.size }
        entries.sort { $0.used < $1.used }
        for entry in entries where total > capacity && entry.path != keeping {
            try? files.removeItem(atPath: entry.path)
            total -= entry.size
        }
    }
}
