import FleetAPI
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
        var problems: [String] = []
        while true {
            let paths = refs.map { resources[KubeClient.key($0)]?.path(of: $0) ?? "" }
            do {
                let bodies = try await kube.get(paths)
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
                    case .failed(let why): return .notReady(["\(ref): stalled: \(why)"])
                    }
                }
                problems = found
            } catch {
                // What the last answer said stays the reason (a read cut short by the deadline says nothing new).
                if problems.isEmpty { problems = ["the cluster did not answer: \(error)"] }
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
}
