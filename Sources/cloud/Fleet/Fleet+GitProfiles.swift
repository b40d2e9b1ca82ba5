import FleetAPI
import HTTPTypes
import ServerSupport

/// Profiles kept in Git: a commit's documents applied as one change, checked as the API checks a
/// document, all or nothing. A profile applied from Git is Git's (its revision has the commit):
/// the API refuses to change it, and Git deletes it when its file goes.
extension Fleet {
    /// The audit log's actor for what a Git commit changes.
    static let gitActor = "git"

    struct GitApplied: Sendable, Equatable {
        var applied: [String]
        var deleted: [String]
    }

    /// A document at a commit that cannot be applied: the file, and what is wrong with it.
    struct GitRefusal: Error, CustomStringConvertible {
        var description: String
    }

    /// Applies the profiles of `documents` (every document at `commit`) and deletes the Git-owned
    /// profiles the commit no longer has. A document that would be refused by the API refuses
    /// the whole commit, naming the file; nothing is changed then.
    func applyGit(_ documents: [ProfileRepository.Document], commit: String) async throws -> GitApplied {
        let known = await services.published
        var profiles: [(profile: Profile, document: ProfileRepository.Document)] = []
        for document in documents.sorted(by: { $0.path < $1.path }) {
            let profile: Profile
            do {
                profile = try Profile(document: document.text, services: known)
                try await chartVersions.check(profile, document: document.text)
            } catch {
                throw GitRefusal(description: "\(document.path): \(error)")
            }
            if let twin = profiles.first(where: { $0.profile.name == profile.name }) {
                throw GitRefusal(description: "\(document.path): profile \(profile.name) is also in \(twin.document.path)")
            }
            profiles.append((profile, document))
        }
        let stored = try await store.profiles()
        let owned = Set(stored.filter { $0.commit != nil }.map(\.name))
        let names = Set(profiles.map(\.profile.name))
        let others = try await currentProfiles().map(\.profile).filter { !owned.contains($0.name) && !names.contains($0.name) }
        let clusters = try await clusterFacts()
        for (profile, document) in profiles {
            let rest = others + profiles.map(\.profile).filter { $0.name != profile.name }
            if let conflict = ProfileEvaluation.conflict(of: profile, with: rest, clusters: clusters) {
                throw GitRefusal(description: "\(document.path): \(conflict)")
            }
        }
        var applied: [String] = []
        for (profile, document) in profiles {
            let latest = stored.first { $0.name == profile.name }
            // Unchanged since an earlier commit: nothing to write, nor to audit.
            if latest?.commit != nil, latest?.document == document.text { continue }
            let audit = gitAudit(.put, profile.name)
            let saved = try await audit.recording(targets: [profile.name], status: .ok) { entry in
                try await store.saveProfile(
                    name: profile.name,
                    document: document.text,
                    author: Self.gitActor,
                    commit: commit,
                    at: now(),
                    audit: entry
                )
            }
            if saved.revision != latest?.revision { applied.append(profile.name) }
        }
        var deleted: [String] = []
        for name in owned.subtracting(names).sorted() {
            try await gitAudit(.delete, name).recording(targets: [name], status: .noContent) { entry in
                try await store.deleteProfile(name: name, author: Self.gitActor, commit: commit, at: now(), audit: entry)
            }
            deleted.append(name)
        }
        if !applied.isEmpty || !deleted.isEmpty { profileChanges.wake() }
        return GitApplied(applied: applied, deleted: deleted)
    }

    private func gitAudit(_ method: HTTPRequest.Method, _ name: String) -> AuditTrail {
        AuditTrail(
            draft: AuditEntry(
                time: now(),
                actor: Self.gitActor,
                role: nil,
                method: method.rawValue,
                path: "/api/profile/\(name)",
                targets: [],
                status: 0
            )
        )
    }
}
