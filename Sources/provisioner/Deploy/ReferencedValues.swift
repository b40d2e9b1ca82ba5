import FleetAPI
import Foundation
import HelmDriver
import Synchronization

/// Fetches the values a request names in `ValuesFrom` (Secrets Manager, SSM Parameter Store) with
/// the provisioner's own AWS credentials and puts them at their paths. What it fetched is kept in
/// memory for `lifetime` (never on disk), so a rollout across a fleet reads each secret once
/// rather than once per cluster, and a rotated secret reaches deployments within that time.
final class ReferencedValues: Sendable {
    private let secrets: AWSSecrets
    private let lifetime: Duration
    private let cache = Mutex<[String: (value: String, expires: ContinuousClock.Instant)]>([:])
    /// Entries beyond this are dropped, oldest expiry first: names come from requests.
    private let capacity = 1_000

    init(aws: AWSClient, lifetime: Duration = .seconds(300)) {
        secrets = AWSSecrets(client: aws)
        self.lifetime = lifetime
    }

    /// `values` with every reference's value at its path, and the strings put there, for
    /// redaction from whatever the deployment prints.
    func fill(_ values: JSONValue?, from references: [ValueReference]) async throws(DeploymentFailure) -> (values: JSONValue, secrets: [String]) {
        var filled = values ?? [:]
        var found: [String] = []
        for reference in references {
            let text = try await fetch(reference)
            var value = JSONValue.string(text)
            if let key = reference.key {
                guard let object = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)))?.objectValue, let field = object[key] else {
                    throw DeploymentFailure(
                        .invalidInput,
                        step: "valuesFrom",
                        message: "\(reference) is not a JSON object with the key \(key), for \(reference.path)"
                    )
                }
                value = field
            }
            found += value.strings.filter { $0.count >= SecretValues.minimumLength }
            filled.set(value, at: reference.keys)
        }
        return (filled, found)
    }

    private func fetch(_ reference: ValueReference) async throws(DeploymentFailure) -> String {
        let name = reference.secretsManager.map { "secretsmanager:\($0.secretID)" } ?? reference.ssmParameter.map { "ssm:\($0.name)" } ?? ""
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[name] }), cached.expires > now { return cached.value }
        let value: String
        do {
            if let secret = reference.secretsManager {
                value = try await secrets.secretString(id: secret.secretID)
            } else if let parameter = reference.ssmParameter {
                value = try await secrets.parameter(name: parameter.name)
            } else {
                throw DeploymentFailure(.invalidInput, step: "valuesFrom", message: "\(reference.path) names no source")
            }
        } catch let error as DeploymentFailure {
            throw error
        } catch {
            throw DeploymentFailure(.failed, step: "valuesFrom", message: "fetching \(name) for \(reference.path) failed: \(error)")
        }
        guard lifetime > .zero else { return value }
        cache.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { $0.value.expires > now }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.expires < $1.value.expires })?.key {
                    entries[oldest] = nil
                }
            }
            entries[name] = (value, now + lifetime)
        }
        return value
    }
}

extension ReferencedValues {
    /// Runs `operation` with the request's `ValuesFrom` fetched into its values, for the actions
    /// that render what is deployed (apply, plan): only once the cluster's kubeconfig is in hand
    /// and checked, so a request that cannot reach its cluster reads no secret.
    func run(_ context: DeploymentContext, _ operation: (DeploymentContext) async -> DeploymentResult) async -> DeploymentResult {
        guard let references = context.request.valuesFrom, !references.isEmpty, [.apply, .plan].contains(context.request.action) else {
            return await operation(context)
        }
        var context = context
        let fetched: [String]
        do {
            (context.request.values, fetched) = try await fill(context.request.values, from: references)
        } catch {
            return DeploymentResult(failure: error)
        }
        var result = await operation(context)
        result.details.fetchedSecrets = fetched
        return result
    }
}
