public import Foundation

/// Whether a Kubernetes object has reached what its spec asks for, read the way kstatus reads it
/// (sigs.k8s.io/cli-utils pkg/kstatus/status: `Compute`, `checkGenericProperties`,
/// `checkGeneration`, `checkReadyCondition`): an object being deleted is terminating; a
/// `status.observedGeneration` behind `metadata.generation` is in progress; `Reconciling` True is in
/// progress and `Stalled` True failed; a `Ready` condition decides when there is one.
///
/// Two readings beyond kstatus, for operators that report like prometheus-operator: a condition
/// carrying its own `observedGeneration` behind the object's says nothing yet about this
/// generation; and conditions a service names in `required` (e.g. `Available`) must be there and
/// True, since kstatus would call an object current before its controller first wrote a status.
public enum ObjectStatus: Equatable, Sendable {
    case current
    case inProgress(String)
    case failed(String)
    case terminating

    /// - Parameter object: the object as the API server answers it (JSON).
    public init(of object: Data, required: [String] = []) {
        guard let observed = try? JSONDecoder().decode(Observed.self, from: object) else {
            self = .inProgress("the object cannot be read")
            return
        }
        self = Self.read(observed, required: required)
    }

    private static func read(_ object: Observed, required: [String]) -> ObjectStatus {
        let kind = object.kind ?? "object"
        if object.metadata?.deletionTimestamp != nil { return .terminating }
        let generation = object.metadata?.generation
        if let generation, let observed = object.status?.observedGeneration, observed != generation {
            return .inProgress("\(kind) generation is \(generation), but latest observed generation is \(observed)")
        }
        let conditions = object.status?.conditions ?? []
        for condition in conditions where condition.status == "True" {
            if condition.type == "Reconciling" { return .inProgress(condition.explained) }
            if condition.type == "Stalled" { return .failed(condition.explained) }
        }
        for type in Set(required + ["Ready"]).sorted() {
            guard let condition = conditions.first(where: { $0.type == type }) else {
                if required.contains(type) { return .inProgress("no \(type) condition yet") }
                continue
            }
            if let generation, let observed = condition.observedGeneration, observed < generation {
                return .inProgress("\(type) is for generation \(observed), not \(generation)")
            }
            if condition.status != "True" {
                return .inProgress("\(type) is \(condition.status)" + (condition.explained.isEmpty ? "" : ": \(condition.explained)"))
            }
        }
        return .current
    }

    private struct Observed: Decodable {
        var kind: String?
        var metadata: Metadata?
        var status: Status?

        struct Metadata: Decodable {
            var generation: Int?
            var deletionTimestamp: String?
        }

        struct Status: Decodable {
            var observedGeneration: Int?
            var conditions: [Condition]?
        }

        struct Condition: Decodable {
            var type: String
            var status: String
            var reason: String?
            var message: String?
            var observedGeneration: Int?

            var explained: String {
                [reason, message].compactMap { $0?.isEmpty == false ? $0 : nil }.joined(separator: ": ")
            }
        }
    }
}
