import FleetAPI
import Foundation
import ServerSupport

extension Supervisor {
    /// What a provisioner answers to a request that changes nothing (a verify, a check), followed
    /// to its end. Not a deployment: nothing is stored. Throws `Unanswered` when no provisioner took
    /// or finished it, which says nothing about the cluster.
    func ask(_ question: DeploymentRequest, timeoutSeconds: Int) async throws -> Answer {
        var question = question
        question.id = "\(question.action.rawValue)-\(ID.make())"
        question.timeoutSeconds = timeoutSeconds
        let request: DeploymentRequest
        switch try await self.request(question) {
        case .ready(let ready): request = ready
        case .clusterGone: return .clusterGone
        case .kubeconfigRefused(let reason): return .kubeconfigRefused(reason)
        }
        guard let client = pool.anyReady() else { throw Unanswered(reason: "no ready provisioner") }
        var status = try await client.submit(request)
        let deadline = clock.now + .seconds(timeoutSeconds + 30)
        while !status.state.isFinal {
            guard clock.now < deadline else { throw Unanswered(reason: "no answer in time") }
            try await clock.sleep(for: .milliseconds(250))
            guard let next = try await client.status(status.id) else { throw Unanswered(reason: "the provisioner forgot it") }
            status = next
        }
        return .answered(status)
    }

    enum Answer: Sendable {
        case answered(DeploymentStatus)
        /// Deleted meanwhile: nothing left to ask about.
        case clusterGone
        case kubeconfigRefused(String)
    }

    struct Unanswered: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
