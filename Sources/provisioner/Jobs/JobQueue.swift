import FleetAPI
import Foundation
import HelmDriver
import Logging
import Telemetry
import Tracing

/// Holds this instance's deployments: FIFO, at most `maxConcurrent` running, and at most one
/// operation per lock key at a time (for helm, one release on one cluster: a later request for a
/// busy release waits, without holding up requests behind it for other releases). Finished
/// deployments stay queryable for a while.
///
/// Each running job is its own task so it can be cancelled on its own; `drain` waits for them all.
actor JobQueue {
    struct Configuration: Sendable {
        var maxConcurrent: Int
        /// Finished deployments are forgotten after this long...
        var retention: Duration
        /// ...or once this many newer ones have finished.
        var retentionCount: Int
    }

    enum Failure: Error, Equatable {
        case conflict(id: String)
        case notFound(id: String)
        case alreadyFinished(id: String, state: DeploymentState)
        case draining
    }

    private let configuration: Configuration
    /// One per strategy; a job is run by the one its service's strategy names (and the check
    /// routes ask them directly).
    let deployers: [DeploymentStrategy.Kind: any Deployer]
    private let catalog: ServiceCatalog
    /// Where its series go (the check routes count theirs there too).
    let metrics: ProvisionerMetrics
    private let logger: Logger
    private let tracer: OTLPTracer

    private var jobs: [String: Job] = [:]
    private var waiting: [String] = []
    private var held: Set<LockKey> = []
    private var running: [String: Task<Void, Never>] = [:]
    private var finished: [(id: String, at: ContinuousClock.Instant)] = []
    private var draining = false
    /// Bumped on every status change, so readers of the change feed can ask for what is newer.
    private var sequence: UInt64 = 0
    private var changeLog = ChangeLog()
    /// Tells apart this process's sequence numbers from a previous one's.
    nonisolated let instance = ID.make()
    nonisolated let changes = ChangeSignal()
    /// Every retained deployment's latest status, readable without a hop onto this actor.
    nonisolated let board: StatusBoard

    init(
        configuration: Configuration,
        deployers: [any Deployer],
        catalog: ServiceCatalog,
        metrics: ProvisionerMetrics,
        tracer: OTLPTracer = .off,
        logger: Logger
    ) {
        self.tracer = tracer
        self.configuration = configuration
        self.board = StatusBoard(retention: configuration.retention)
        self.deployers = Dictionary(deployers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        self.catalog = catalog
        self.metrics = metrics
        self.logger = logger
    }

    /// Queues `job`, or returns the deployment already queued under its ID when the request is the
    /// same (a retried POST). The `Bool` says whether the job is new.
    func submit(_ job: Job) throws(Failure) -> (DeploymentStatus, created: Bool) {
        if let existing = jobs[job.status.id] {
            guard existing.fingerprint == job.fingerprint else { throw .conflict(id: job.status.id) }
            return (existing.status, false)
        }
        guard !draining else { throw .draining }
        jobs[job.status.id] = job
        waiting.append(job.status.id)
        changed(job.status.id)
        metrics.queued(job.status)
        log(job.status, "deployment queued")
        startEligible()
        return (jobs[job.status.id]!.status, true)
    }

    /// What the queue still holds of a deployment.
    func retained(_ id: String) -> Job? { jobs[id] }

    func list(state: DeploymentState?, cluster: String?, service: ServiceName?) -> [DeploymentStatus] {
        pruneFinished()
        return jobs.values.map(\.status)
            .filter {
                (state == nil || $0.state == state) && (cluster == nil || $0.clusterID == cluster) && (service == nil || $0.service == service)
            }
            .sorted { ($0.createAt, $0.id) < ($1.createAt, $1.id) }
    }

    /// Queued: cancelled at once. Running: helm is stopped and the release cleaned up; the state is
    /// `cancelling` until that is done. Finished: refused.
    func cancel(_ id: String, reason: String = "cancelled by request") throws(Failure) -> DeploymentStatus {
        guard var job = jobs[id] else { throw .notFound(id: id) }
        switch job.status.state {
        case .queued:
            waiting.removeAll { $0 == id }
            job.status.state = .cancelled
            job.status.error = reason
            job.status.endAt = Date().millisecondsSince1970
            jobs[id] = job
            changed(id)
            recordFinished(job.status)
        case .running:
            job.status.state = .cancelling
            job.status.error = reason
            jobs[id] = job
            changed(id)
            running[id]?.cancel()
            log(job.status, "deployment cancelling")
        case .cancelling:
            break
        case .succeeded, .failed, .cancelled:
            throw .alreadyFinished(id: id, state: job.status.state)
        }
        return job.status
    }

    /// Stops taking work, gives up queued deployments, lets running ones finish for up to
    /// `timeout`, then cancels them and waits until their releases are cleaned up.
    func drain(timeout: Duration) async {
        draining = true
        for id in waiting { _ = try? cancel(id, reason: "provisioner shut down before the deployment started") }
        let deadline = ContinuousClock.now + timeout
        while !running.isEmpty, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(100))
        }
        for id in running.keys { _ = try? cancel(id, reason: "provisioner shut down during the deployment") }
        while !running.isEmpty {
            try? await Task.sleep(for: .milliseconds(100))
        }
        changes.close()
    }

    /// Deployments whose status changed after `sequence` (still retained), oldest change first, at
    /// most `limit` of them and about `maxBytes` of JSON (at least one), with the sequence to ask
    /// from next time: the last one given when there are more, so a reader starting from 0
    /// (10,000 retained, some with long logs or plans) gets them page by page.
    func changes(
        after sequence: UInt64,
        limit: Int = 100,
        maxBytes: Int = 8 << 20
    ) -> (instance: String, sequence: UInt64, statuses: [DeploymentStatus]) {
        pruneFinished()
        var statuses: [DeploymentStatus] = []
        var bytes = 0
        for entry in changeLog.entries(after: sequence) {
            guard let job = jobs[entry.id], job.sequence == entry.sequence else { continue }
            // A finished status's JSON is on the board already; one in flight has no log or plan yet.
            let size = board.encodedSize(of: entry.id) ?? 1024
            // Full: the next page starts just before the first one left out.
            guard statuses.count < limit, statuses.isEmpty || bytes + size <= maxBytes else {
                return (instance, job.sequence - 1, statuses)
            }
            statuses.append(job.status)
            bytes += size
        }
        return (instance, self.sequence, statuses)
    }

    private func changed(_ id: String) {
        sequence += 1
        jobs[id]?.sequence = sequence
        if let status = jobs[id]?.status { board.publish(status) }
        changeLog.append(id, at: sequence)
        changeLog.compact(live: jobs.count) { jobs[$0.id]?.sequence == $0.sequence }
        changes.advance(to: sequence)
    }

    /// Starts waiting jobs, oldest first, while slots are free and what they lock is not held.
    private func startEligible() {
        var index = 0
        while running.count < configuration.maxConcurrent, index < waiting.count {
            let id = waiting[index]
            guard let job = jobs[id], !held.contains(job.lockKey) else {
                index += 1
                continue
            }
            waiting.remove(at: index)
            start(job)
        }
        metrics.queueDepth(waiting.count, inFlight: running.count)
    }

    private func start(_ job: Job) {
        let id = job.status.id
        var status = job.status
        status.state = .running
        status.startAt = Date().millisecondsSince1970
        jobs[id]?.status = status
        // The deployer has them now; a retained job would otherwise hold them until pruned.
        let request = job.request!  // Queued jobs hold theirs until here.
        jobs[id]?.request = nil
        jobs[id]?.kubeconfig = nil
        changed(id)
        held.insert(job.lockKey)
        log(status, "deployment running")
        let service = catalog[request.service]!
        let deployer = deployers[service.strategy.kind]
        let timeout = job.timeout
        let kubeconfig = job.kubeconfig
        let events = DeploymentEvents(waiting: { note in Task { await self.setWaiting(id, note) } })
        let tracer = tracer
        running[id] = Task {
            let result = await tracer.withSpan("\(request.action.rawValue) \(service.name)", context: job.trace, ofKind: .consumer) { span in
                span.attributes["cloud.deployment"] = id
                span.attributes["cloud.cluster"] = request.clusterID
                span.attributes["cloud.service"] = service.name.rawValue
                let result =
                    await deployer?.run(request, service: service, timeout: timeout, events: events, kubeconfig: kubeconfig)
                    ?? DeploymentResult(
                        failure: DeploymentFailure(.failed, step: "deploy", message: "this provisioner has no \(service.strategy.kind) deployer")
                    )
                if result.outcome != .succeeded { span.setStatus(SpanStatus(code: .error)) }
                return result
            }
            self.finish(id, with: result)
        }
    }

    private func setWaiting(_ id: String, _ note: String?) {
        guard var job = jobs[id], !job.status.state.isFinal, job.status.waiting != note else { return }
        if job.status.waiting == nil, note != nil { metrics.waitedForHeldRelease(job.status) }
        job.status.waiting = note.map(job.redactor.redact)
        jobs[id] = job
        changed(id)
    }

    private func finish(_ id: String, with result: DeploymentResult) {
        guard var job = jobs[id] else { return }
        job.status.finish(with: result, redactor: job.redactor, timeout: job.timeout, now: Date())
        jobs[id] = job
        changed(id)
        running[id] = nil
        held.remove(job.lockKey)
        recordFinished(job.status)
        startEligible()
    }

    private func recordFinished(_ status: DeploymentStatus) {
        finished.append((status.id, .now))
        metrics.finished(status)
        log(status, "deployment finished", level: status.state == .succeeded ? .info : .warning)
        pruneFinished()
    }

    private func pruneFinished() {
        let cutoff = ContinuousClock.now - configuration.retention
        var drop = max(0, finished.count - configuration.retentionCount)
        while drop < finished.count, finished[drop].at < cutoff { drop += 1 }
        for entry in finished.prefix(drop) { jobs[entry.id] = nil }
        board.remove(finished.prefix(drop).map(\.id))
        finished.removeFirst(drop)
    }

    private func log(_ status: DeploymentStatus, _ message: Logger.Message, level: Logger.Level = .info) {
        var metadata: Logger.Metadata = [
            "deployment": "\(status.id)", "cluster": "\(status.clusterID)", "service": "\(status.service)",
            "action": "\(status.action.rawValue)", "state": "\(status.state.rawValue)",
        ]
        if let error = status.error { metadata["error"] = "\(error)" }
        if let remediation = status.remediation { metadata["remediation"] = "\(remediation.action)" }
        logger.log(level: level, message, metadata: metadata)
    }
}
