import FleetAPI
import Foundation
import HelmDriver

extension ObjectSet {
    /// How waiting for the objects ended.
    enum Waited: Equatable {
        case ready
        /// The deadline came first: each object not done, with why.
        case notReady([String])
        case cancelled

        func result(details: DeploymentDetails) -> DeploymentResult {
            switch self {
            case .ready: DeploymentResult(outcome: .succeeded, details: details)
            case .cancelled: DeploymentResult(outcome: .cancelled, details: details)
            case .notReady(let problems):
                DeploymentResult(
                    outcome: .failed(
                        DeploymentFailure(.timedOut, step: "readiness", message: "not ready by the deadline: \(problems.joined(separator: "; "))")
                    ),
                    details: details
                )
            }
        }
    }

    /// Reads every object until each is done (`ObjectStatus`, with the conditions the service
    /// names for its kind), the deadline passes, or the deployment is cancelled; says what it
    /// waits for as it waits. A `Stalled` object ends the wait at once.
    func waitUntilReady(_ refs: [ObjectRef], resources: [String: KubeClient.Resource]) async -> Waited {
        let paths = refs.map { resources[KubeClient.key($0)]?.path(of: $0) ?? "" }
        var problems: [String] = []
        var answered = false
        while true {
            do {
                let judged = judge(refs, try await kube.get(paths))
                if case .stalled(let why) = judged { return .notReady([why]) }
                problems = judged.notDone
                answered = true
            } catch {
                // What the last answer said stays the reason (a read cut short by the deadline says
                // nothing new). When the apply took the whole deadline, one read past it, bounded
                // as the clean-up is, still says which objects were not ready and why.
                if !answered, ContinuousClock.now >= context.deadline,
                    let bodies = try? await kube.until(.now + Self.cleanupTime).get(paths)
                {
                    problems = judge(refs, bodies).notDone
                } else if problems.isEmpty {
                    problems = ["the cluster did not answer: \(error)"]
                }
            }
            guard let first = problems.first else {
                events.waiting?(nil)
                return .ready
            }
            events.waiting?("\(first)\(problems.count > 1 ? " (and \(problems.count - 1) more)" : "")")
            guard ContinuousClock.now + deployer.pollInterval < context.deadline else { return .notReady(problems) }
            do {
                try await Task.sleep(for: deployer.pollInterval)
            } catch {
                return .cancelled
            }
        }
    }

    /// What the API server's answers (nil: not found) say of the objects.
    enum Judgement {
        /// Each object not done, with why.
        case notDone([String])
        /// An object said it will not get ready: why.
        case stalled(String)

        var notDone: [String] {
            switch self {
            case .notDone(let problems): problems
            case .stalled(let why): [why]
            }
        }
    }

    private func judge(_ refs: [ObjectRef], _ bodies: [Data?]) -> Judgement {
        var found: [String] = []
        for (ref, body) in zip(refs, bodies) {
            guard let body else {
                found.append("\(ref): not found")
                continue
            }
            switch ObjectStatus(of: body, required: declared.readiness[ref.kind] ?? []) {
            case .current: break
            case .inProgress(let why): found.append("\(ref): \(why)")
            case .terminating: found.append("\(ref): being deleted")
            case .failed(let why): return .stalled("\(ref): stalled: \(why)")
            }
        }
        return .notDone(found)
    }
}
