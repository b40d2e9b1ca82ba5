extension ReleaseManager {
    /// The chart's tests as a gate (`helm test --logs`), within what is left of the deadline; the
    /// test pods' output (its last lines) goes into the transcript. Whatever the helm version says
    /// of a failed test pod (Helm 3 "pod X failed", Helm 4 "resource Pod/... not ready. status:
    /// Failed"), it is a failure of the deployment, not a readiness timeout.
    func test(_ release: ReleaseRef, _ session: HelmSession, deadline: ContinuousClock.Instant) async throws(HelmError) {
        do {
            _ = try await session.run(
                HelmArguments.test(release, timeout: HelmTimeout.forHelm(until: deadline)),
                deadline: deadline,
                echo: Self.testOutputLines
            )
        } catch  where [.cancelled, .deadlineExceeded, .clusterUnreachable].contains(error.kind) {
            throw error
        } catch {
            throw HelmError(kind: .testFailed, command: "test", message: "the chart's tests failed: \(error.message)")
        }
    }

    /// Enough for a few test pods' verdicts, bounded so a chatty test cannot flood the log.
    static let testOutputLines = 40
}
