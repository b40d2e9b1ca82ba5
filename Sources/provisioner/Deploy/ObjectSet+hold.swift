import FleetAPI
import Foundation
import HelmDriver

/// An object set's record is its lock across provisioner instances, as a pending revision is a
/// Helm release's: an operation marks it `applying` or `deleting`, with when, before it touches
/// any object, by a write that replaces exactly the version it read (so two instances never both
/// take it). Another operation waits while the holder may be alive (`ReleaseHold`: the same bound
/// as for a release) and takes over what a killed one left.
struct RecordClaim {
    /// The record before this operation took it; nil when there was none.
    var earlier: ObjectRecord?
    var record: ObjectRecord
    /// The version of the record Secret this operation wrote last: its next write replaces exactly it.
    var resourceVersion: String
    /// Said in the deployment's log when taking the set meant waiting for another operation.
    var waited: String?
}

extension ObjectSet {
    /// How taking the set ended.
    enum Claimed {
        case taken(RecordClaim)
        /// `marking` found nothing to take (a delete after another operation deleted the set).
        case nothing(waited: String?)
        /// The deployment was cancelled while it waited.
        case cancelled
    }

    /// Takes the set for this operation: waits while another live operation holds it, then writes
    /// `marking(earlier)` (stamped now) over exactly the record read, unless it is nil. Throws
    /// `releaseHeld` when the holder still had the set at the deadline.
    func claim(_ marking: (ObjectRecord?) -> ObjectRecord?) async throws(DeploymentFailure) -> Claimed {
        while true {
            guard let (current, waited) = try await awaitRecord() else { return .cancelled }
            guard var record = marking(current?.record) else { return .nothing(waited: waited) }
            record.mark(record.status, at: Date())
            do {
                let version = try await kube.save(record, replacing: current?.resourceVersion)
                return .taken(RecordClaim(earlier: current?.record, record: record, resourceVersion: version, waited: waited))
            } catch  where error.status == 409 {
                continue  // another operation took it between our read and write: wait for that one
            } catch {
                throw DeploymentFailure(.failed, step: "objects", message: "\(error)")
            }
        }
    }

    /// Writes the claimed record as `status`. A 409 means another instance judged this operation
    /// abandoned and took the set over: nothing more is written for it. A failure is written even
    /// past the deadline that caused it (one request's time more): else the set would stay held.
    func mark(_ claim: inout RecordClaim, _ status: ObjectRecord.Status) async throws(DeploymentFailure) {
        var record = claim.record
        record.mark(status, at: Date())
        let kube = status == .failed ? kube.until(max(context.deadline, .now + Self.cleanupTime)) : kube
        do {
            claim.resourceVersion = try await kube.save(record, replacing: claim.resourceVersion)
            claim.record = record
        } catch {
            let message = error.status == 409 ? "another operation took the set over before this one ended" : "\(error)"
            throw DeploymentFailure(.failed, step: "objects", message: message)
        }
    }

    /// How long past its deadline an operation may take to record that it failed.
    static let cleanupTime: Duration = .seconds(15)

    /// The record once no live operation can hold it, and what waiting for it took (nil: no wait);
    /// nil when cancelled while waiting.
    private func awaitRecord() async throws(DeploymentFailure) -> (StoredRecord?, String?)? {
        var stored = try await record()
        let started = ContinuousClock.now
        var waitingFor: ObjectRecord?
        while let current = stored?.record, current.status.isInProgress, hold.isHeld(since: current.updatedAt, now: Date()) {
            let note = waitingNote(current)
            if waitingFor?.revision != current.revision || waitingFor?.status != current.status {
                waitingFor = current
                events.waiting?(note)
            }
            // Looked at again on the poll, and right after it turns stale, if that comes sooner;
            // given up when the next look would leave no time to act on it.
            var pause = deployer.pollInterval
            if let until = hold.heldUntil(since: current.updatedAt) {
                pause = min(pause, .milliseconds(max(0, Int(until.timeIntervalSinceNow * 1000)) + 50))
            }
            guard ContinuousClock.now + pause < context.deadline else {
                throw DeploymentFailure(.releaseHeld, step: "objects", message: "gave up \(note); nothing was changed")
            }
            do {
                try await Task.sleep(for: pause)
            } catch {
                return nil
            }
            do {
                stored = try await record()
            } catch  where ContinuousClock.now >= context.deadline {
                // A busy host woke us past the deadline: what is known is that the set was held.
                throw DeploymentFailure(.releaseHeld, step: "objects", message: "gave up \(note); nothing was changed")
            }
        }
        guard let waitingFor else { return (stored, nil) }
        events.waiting?(nil)
        let waited = String(format: "%.0fs", (ContinuousClock.now - started).seconds)
        return (stored, "waited \(waited) for the operation that wrote revision \(waitingFor.revision) (\(waitingFor.status.rawValue))")
    }

    private func waitingNote(_ record: ObjectRecord) -> String {
        let since = record.updated.map { " since \($0)" } ?? ""
        let until = hold.heldUntil(since: record.updatedAt).map { "; taken as abandoned at \($0.formatted(.iso8601))" } ?? ""
        return "waiting for another operation on this set: revision \(record.revision) of \(record.name) is \(record.status.rawValue)\(since)\(until)"
    }
}
