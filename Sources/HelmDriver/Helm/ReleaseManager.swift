public import FleetAPI
public import Foundation
public import Logging

/// Applies and deletes Helm releases so that production can trust the outcome: a release left
/// pending by a killed process is recovered first, a failed apply is remediated by policy, and a
/// cancelled or timed-out operation never leaves the release pending.
public struct ReleaseManager: Sendable {
    public let helm: HelmClient
    public var policy: RemediationPolicy
    let logger: Logger
    /// The wall clock that pending revisions' times are compared with.
    let now: @Sendable () -> Date

    public init(
        helm: HelmClient,
        policy: RemediationPolicy = .rollback,
        logger: Logger,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.helm = helm
        self.policy = policy
        self.logger = logger
        self.now = now
    }

    /// `helm upgrade --install --wait` of `spec`, finishing by `deadline`. A release another
    /// operation may still hold (`hold`) is waited for until `deadline`, never taken from it; after
    /// such a wait, or after clearing what an abandoned one left, the operation has its whole
    /// timeout again (see `ReleaseHold`).
    /// - Parameter kubeconfig: helm is given its normalised form, never text from outside.
    public func apply(
        _ spec: ReleaseSpec,
        kubeconfig: Kubeconfig,
        deadline: ContinuousClock.Instant,
        hold: ReleaseHold,
        events: ReleaseEvents = ReleaseEvents()
    ) async -> ReleaseResult {
        var deadline = deadline
        return await withSession(kubeconfig: kubeconfig, events: events, holderEnded: hold.holderEnded) { session, workspace in
            var recovery: RemediationRecord?
            var applying = false
            var freedBy = 0
            do {
                let valuesFiles = try spec.values.enumerated().map { index, document in
                    try workspace.write("values-\(index)-\(document.name)", document.contents)
                }
                let upgrade = {
                    HelmArguments.upgradeInstall(
                        spec.release,
                        chart: spec.chart,
                        version: spec.version,
                        valuesFiles: valuesFiles,
                        timeout: HelmTimeout.forHelm(until: deadline, phases: spec.hookWaits + 1),
                        historyMax: helm.configuration.historyMax,
                        forceConflicts: spec.forceConflicts,
                        skipCRDs: spec.skipCRDs
                    )
                }
                // Optimistic: one helm process in the common case. The history is read only when
                // helm says the release is stuck, which is what a history read beforehand would find.
                var output: String?
                while output == nil {
                    do {
                        applying = true
                        output = try await session.run(upgrade(), deadline: deadline, expected: Self.stuckRelease)
                    } catch let error as HelmError where Self.stuckRelease.contains(error.kind) {
                        applying = false
                        let (history, waited) = try await awaitRelease(spec.release, session, hold: hold, deadline: deadline, events: events)
                        if waited { deadline = hold.renewing(deadline) }
                        switch ReleasePlanner.recovery(for: history) {
                        case let action? where recovery == nil:
                            recovery = try await recover(spec.release, session, history: history, action: action)
                            // Clearing what an earlier operation left runs on the clean-up budget, not this one's.
                            deadline = hold.renewing(deadline)
                        case .some:
                            throw error  // recovered once already: helm and its history disagree
                        case nil where history.last?.status.isPending != true && error.kind == .operationInProgress && freedBy < 3:
                            freedBy += 1  // the operation that held it (or its Lease alone) has finished
                        case nil:
                            throw error
                        }
                    }
                }
                // `-o json` prints the whole release (values and manifest, Secrets included): only
                // the summary is decoded. Output cut at the size bound is not JSON; ask for the
                // summary alone then (a failure to read it leaves the release unknown, never undoes
                // the apply that succeeded).
                var release = Self.releaseInfo(from: output ?? "")
                if release == nil {
                    release = (try? await session.history(spec.release, max: 1))?.last.map { ReleaseInfo(spec.release, latest: $0) }
                }
                // A failed test fails the apply, so the catch below remediates it like any other.
                if spec.runTests { try await test(spec.release, session, deadline: deadline) }
                return ReleaseResult(outcome: .succeeded, recovery: recovery, release: release)
            } catch {
                // Only a release this operation changed is remediated: one that another operation
                // holds, or that waiting or recovering left as it was, is not ours to touch.
                var result = await cleanUp(spec.release, session, after: error, policy: applying ? policy : nil)
                result.recovery = recovery
                return result
            }
        }
    }

    /// `helm uninstall --wait` of `release`; a release that does not exist is already deleted.
    /// A stuck release is uninstalled as it is, never rolled back first: `helm uninstall` takes
    /// pending and failed releases (pkg/action/uninstall.go has no pending check), and a rollback
    /// with --wait could spend the whole budget, or fail and block the uninstall for good. For the
    /// same reason helm would uninstall a release under a live operation: that is waited for first.
    public func delete(
        _ release: ReleaseRef,
        kubeconfig: Kubeconfig,
        deadline: ContinuousClock.Instant,
        hold: ReleaseHold,
        events: ReleaseEvents = ReleaseEvents()
    ) async -> ReleaseResult {
        await withSession(kubeconfig: kubeconfig, events: events, holderEnded: hold.holderEnded) { session, _ in
            var deadline = deadline
            do {
                if try await awaitRelease(release, session, hold: hold, deadline: deadline, events: events).waited {
                    deadline = hold.renewing(deadline)
                }
            } catch {
                return await cleanUp(release, session, after: error, policy: nil)
            }
            do {
                try await session.uninstall(release, timeout: HelmTimeout.forHelm(until: deadline), deadline: deadline)
                return ReleaseResult(outcome: .succeeded)
            } catch {
                return await cleanUp(release, session, after: error, policy: RemediationPolicy.none)
            }
        }
    }

    /// What `upgrade --install` says of a release that `recover` would have cleared.
    private static let stuckRelease: Set<HelmError.Kind> = [.operationInProgress, .noDeployedReleases]

    /// Clears a pending or never-deployed release no live operation holds.
    private func recover(
        _ release: ReleaseRef,
        _ session: HelmSession,
        history: [ReleaseRevision],
        action: RecoveryAction
    ) async throws(HelmError) -> RemediationRecord {
        logger.notice(
            "recovering release",
            metadata: [
                "release": "\(release)", "status": "\(history.last?.status.rawValue ?? "")", "action": "\(action)",
            ]
        )
        let record = await session.perform(action, on: release)
        if let error = record.error {
            throw HelmError(kind: .failed, command: record.action, message: "recovering \(release) failed: \(error)")
        }
        return record
    }

    /// After a failure: remediate by `policy` (any policy clears a pending release this operation
    /// left; nil touches nothing), and report where the release stands. Runs in its own task so
    /// that the caller's cancellation, which may be why we are here, cannot stop it half-way.
    private func cleanUp(
        _ release: ReleaseRef,
        _ session: HelmSession,
        after error: any Error,
        policy: RemediationPolicy?
    ) async -> ReleaseResult {
        let stopped =
            (error as? HelmError).map(ReleaseResult.init(stoppedBy:))
            ?? ReleaseResult(outcome: .workspaceFailed("\(error)"))
        let logger = self.logger
        return await Task {
            var result = stopped
            guard let history = try? await session.history(release) else { return result }
            // A revision whose tests failed deployed all the same: it is the one to undo.
            let failedRevision = (error as? HelmError)?.kind == .testFailed ? history.last?.revision : nil
            if let policy, let action = ReleasePlanner.remediation(for: history, policy: policy, failedRevision: failedRevision) {
                logger.notice("remediating release", metadata: ["release": "\(release)", "action": "\(action)"])
                result.remediation = await session.perform(action, on: release)
            }
            let latest = result.remediation == nil ? history.last : (try? await session.history(release))?.last
            result.release = latest.map { ReleaseInfo(release, latest: $0) }
            return result
        }.value
    }

    func withSession(
        kubeconfig: Kubeconfig,
        events: ReleaseEvents,
        holderEnded: Bool = false,
        _ body: (HelmSession, PrivateWorkspace) async -> ReleaseResult
    ) async -> ReleaseResult {
        do {
            return try await PrivateWorkspace.with(in: helm.configuration.workDirectory) { workspace in
                let session = HelmSession(
                    client: helm,
                    kubeconfig: try workspace.write("kubeconfig", kubeconfig.normalized),
                    onStart: events.helmStarted,
                    leases: helm.configuration.leasing == nil ? nil : KubeClient(kubeconfig: kubeconfig, timeout: .seconds(5)),
                    takesOverLeases: holderEnded
                )
                var result = await body(session, workspace)
                result.log = session.transcript
                return result
            }
        } catch {
            return ReleaseResult(outcome: .workspaceFailed("\(error)"))
        }
    }

    private static func releaseInfo(from output: String) -> ReleaseInfo? {
        try? JSONDecoder().decode(ReleaseDocument.self, from: Data(output.utf8)).releaseInfo
    }
}
