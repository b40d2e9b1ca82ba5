public import ChildProcess
import FleetAPI
import Foundation
import Synchronization

/// The supervisor's side of `ReleaseLeasing`, run in a process of its own between the
/// provisioner and helm: take the release's Lease, run helm, renew the Lease until helm ends, and
/// kill helm if the Lease cannot be renewed in time. The provisioner's death takes this process
/// with it, and helm with this one (both are started with a parent-death signal, `cshim_spawn`);
/// a frozen provisioner leaves both running, so a live helm keeps its Lease.
public struct LeasedHelmRun: Sendable {
    public var kube: KubeClient
    public var namespace: String
    public var lease: String
    public var holder: String
    public var duration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    /// How far the holder's clock may be from this host's: a Lease is live until its duration and
    /// this have passed since its last renewal.
    public var maxClockSkew: Duration
    /// The Lease taken even from a live-looking holder (the client knows it has ended).
    public var takeover: LeaseTakeover
    public var runner: ProcessRunner
    public var helm: ProcessSpec

    public init(
        kube: KubeClient,
        namespace: String,
        lease: String,
        holder: String,
        duration: Duration,
        renewDeadline: Duration,
        retryPeriod: Duration,
        maxClockSkew: Duration = .zero,
        takeover: LeaseTakeover = .none,
        runner: ProcessRunner,
        helm: ProcessSpec
    ) {
        self.maxClockSkew = maxClockSkew
        self.takeover = takeover
        self.kube = kube
        self.namespace = namespace
        self.lease = lease
        self.holder = holder
        self.duration = duration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.runner = runner
        self.helm = helm
    }

    /// How the run ended: helm's result, or why helm never ran; `fenced` says why helm was killed.
    public struct Outcome: Sendable {
        public var result: ProcessResult?
        public var fenced: String?
        public var refused: String?

        /// The supervisor's exit code: helm's, 128 + the signal that ended it, or 1.
        public var exitCode: Int32 {
            guard let result else { return 1 }
            switch result.status {
            case .exited(let code): return code
            case .signaled(let signal): return 128 + signal
            }
        }
    }

    public func run() async -> Outcome {
        let held: ReleaseLease?
        do {
            switch try await acquire() {
            case .success(let lease): held = lease
            case .failure(let refusal): return Outcome(refused: refusal.message)
            }
        } catch {
            return Outcome(refused: "cannot take the release's Lease \(namespace)/\(lease): \(error.message)")
        }
        let helmGroup = ProcessGroup()
        let (runner, helm) = (runner, helm)
        let helmRun = Task { () -> Result<ProcessResult, any Error> in
            do {
                return .success(try await runner.run(helm, onStart: { pid in helmGroup.pid.withLock { $0 = pid } }))
            } catch {
                return .failure(error)
            }
        }
        // Not a child task: cancelling this run (SIGTERM) stops helm, and the Lease must still be
        // renewed until helm has actually ended.
        let renewal = Task { () -> (fenced: String?, last: ReleaseLease?) in
            guard let held else { return (nil, nil) }
            let (reason, last) = await renew(held)
            // Killed at once: the Lease must not outlive the helm it vouches for.
            if reason != nil, let pid = helmGroup.pid.withLock({ $0 }) { kill(-pid, SIGKILL) }
            return (reason, last)
        }
        let ran = await withTaskCancellationHandler {
            await helmRun.value
        } onCancel: {
            helmRun.cancel()
        }
        renewal.cancel()
        let (reason, last) = await renewal.value
        if reason == nil, let last {
            // helm has ended: the next operation need not wait for the Lease to run out. Only
            // the version this run wrote last is deleted, never one another holder wrote since.
            _ = try? await kube.deleteLease(namespace: namespace, name: lease, resourceVersion: last.resourceVersion)
        }
        switch ran {
        case .success(let result): return Outcome(result: result, fenced: reason)
        case .failure(let error): return Outcome(fenced: reason, refused: "Error: cannot run \(helm.executable): \(error)")
        }
    }

    /// Helm's process group, once it runs.
    private final class ProcessGroup: Sendable {
        let pid = Mutex<pid_t?>(nil)
    }

    struct Refusal: Error {
        var message: String
    }

    /// The Lease, created, or taken over once its holder stopped renewing it; a refusal when a
    /// live holder has it (another helm works on the release).
    private func acquire() async throws(KubeClient.Failure) -> Result<ReleaseLease?, Refusal> {
        var existing: ReleaseLease?
        for _ in 0..<3 {
            if let existing, !takeover.covers(existing.resourceVersion), existing.holder != holder, let renewed = existing.renewed,
                Date() < renewed + (existing.duration + maxClockSkew).seconds
            {
                return .failure(
                    Refusal(
                        message:
                            "Error: another operation (install/upgrade/rollback) is in progress: \(existing.holder) holds the release's Lease \(namespace)/\(lease), renewed at \(RFC3339.string(renewed))"
                    )
                )
            }
            // Created in one call in the common case (no Lease left); taken over, by the
            // version read, from a holder that stopped renewing it.
            let written: KubeClient.LeaseWrite
            do {
                written = try await kube.writeLease(
                    namespace: namespace,
                    name: lease,
                    holder: holder,
                    duration: duration,
                    now: Date(),
                    replacing: existing?.resourceVersion
                )
                switch written {
                case .written(let lease): return .success(lease)
                case .noNamespace: try await kube.createNamespace(namespace)
                case .conflict: existing = try await kube.lease(namespace: namespace, name: lease)
                }
            } catch  where error.status == 401 || error.status == 403 {
                return .success(nil)  // credentials without the right to Leases: helm runs as before, unleased
            }
        }
        return .failure(
            Refusal(message: "Error: another operation (install/upgrade/rollback) is in progress: its Lease \(namespace)/\(lease) keeps changing")
        )
    }

    /// Renews every `retryPeriod` until cancelled (helm ended); returns why it gave up when the
    /// Lease could not be renewed within `renewDeadline`, or another holder took it.
    private func renew(_ held: ReleaseLease) async -> (fenced: String?, last: ReleaseLease) {
        var current = held
        var renewedAt = ContinuousClock.now
        var lastError = ""
        while !Task.isCancelled {
            try? await Task.sleep(for: retryPeriod)
            if Task.isCancelled { return (nil, current) }
            do {
                switch try await kube.until(.now + min(retryPeriod, renewDeadline)).writeLease(
                    namespace: namespace,
                    name: lease,
                    holder: holder,
                    duration: duration,
                    now: Date(),
                    replacing: current.resourceVersion
                ) {
                case .written(let lease):
                    current = lease
                    renewedAt = .now
                    continue
                case .conflict:
                    // Perhaps our own write, whose answer was lost: then it is still ours.
                    guard let now = try await kube.lease(namespace: namespace, name: lease), now.holder == holder else {
                        return ("another holder took the release's Lease \(namespace)/\(lease)", current)
                    }
                    current = now
                    continue
                case .noNamespace:
                    lastError = "the namespace is gone"
                }
            } catch {
                lastError = error.message
            }
            if ContinuousClock.now - renewedAt >= renewDeadline {
                return ("the release's Lease \(namespace)/\(lease) could not be renewed for \(renewDeadline) (\(lastError))", current)
            }
        }
        return (nil, current)
    }
}
