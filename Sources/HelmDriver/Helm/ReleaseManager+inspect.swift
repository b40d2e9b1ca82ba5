public import FleetAPI

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
