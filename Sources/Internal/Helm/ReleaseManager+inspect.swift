import Synchronization

extension ReleaseManager {
    /// Reads the release's latest revision and changes nothing: `release` is nil when none exists.
    public func inspect(
        _ release: ReleaseRef,
        kubeconfig: Kubeconfig,
        events: ReleaseEvents = ReleaseEvents()
    ) async -> ReleaseResult {
        await withSession(kubeconfig: kubeconfig, events: events) { session, _ in
            do throws(HelmError) {
                let latest = try await session.history(release, max: 1).last
                return ReleaseResult(outcome: .succeeded, release: latest.map { ReleaseInfo(release, latest: $0) })
            } catch {
                return ReleaseResult(stoppedBy: error)
            }
        }
    }
}

extension ReleaseManager {
    /// The latest revision and its stored manifest (empty when the release is gone or was
    /// uninstalled); changes nothing.
    public func manifest(
        _ release: ReleaseRef,
        kubeconfig: Kubeconfig,
        events: ReleaseEvents = ReleaseEvents()
    ) async -> (result: ReleaseResult, manifest: String) {
        let manifest = Mutex("")
        let result = await withSession(kubeconfig: kubeconfig, events: events) { session, _ in
            do throws(HelmError) {
                let latest = try await session.history(release, max: 1).last
                if let latest, latest.status != .uninstalled {
                    let deadline = ContinuousClock.now + session.client.configuration.commandTimeout
                    let text = try await session.run(HelmArguments.getManifest(release), deadline: deadline)
                    manifest.withLock { $0 = text }
                }
                return ReleaseResult(outcome: .succeeded, release: latest.map { ReleaseInfo(release, latest: $0) })
            } catch {
                return ReleaseResult(stoppedBy: error)
            }
        }
        return (result, manifest.withLock { $0 })
    }
}
