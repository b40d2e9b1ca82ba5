import Foundation

extension KubeClient {
    /// The Deployments, StatefulSets and DaemonSets of a Helm release that are not ready, each as
    /// "Kind/name: why". Helm marks what it installs with the `app.kubernetes.io/managed-by: Helm`
    /// label and the `meta.helm.sh/release-name` / `release-namespace` annotations
    /// (`setMetadataVisitor`, pkg/action/validate.go), so this finds a release's workloads on any
    /// cluster without reading its manifest.
    public func unreadyWorkloads(of release: String, namespace: String) async throws(Failure) -> [String] {
        var problems: [String] = []
        for kind in WorkloadKind.allCases {
            let path = "/apis/apps/v1/namespaces/\(namespace)/\(kind.rawValue)?labelSelector=app.kubernetes.io%2Fmanaged-by%3DHelm"
            guard let body = try await get(path) else { continue }
            let list: WorkloadList
            do {
                list = try JSONDecoder().decode(WorkloadList.self, from: body)
            } catch {
                throw Failure(message: "Kubernetes API \(path): unexpected answer: \(error)")
            }
            for item in list.items where item.metadata.annotations?["meta.helm.sh/release-name"] == release {
                if let problem = kind.problem(item) { problems.append("\(kind.singular)/\(item.metadata.name): \(problem)") }
            }
        }
        return problems
    }
}

/// The workload kinds whose readiness a release's health depends on, judged as Helm's `--wait`
/// judges them (pkg/kube/ready.go): the controller has seen the latest spec, and the wanted
/// number of pods is ready.
private enum WorkloadKind: String, CaseIterable {
    case deployments, statefulsets, daemonsets

    var singular: String {
        switch self {
        case .deployments: "Deployment"
        case .statefulsets: "StatefulSet"
        case .daemonsets: "DaemonSet"
        }
    }

    func problem(_ item: WorkloadList.Item) -> String? {
        let status = item.status ?? WorkloadList.Status()
        if let observed = status.observedGeneration, let generation = item.metadata.generation, observed < generation {
            return "the controller has not seen generation \(generation) yet"
        }
        let (ready, wanted) =
            switch self {
            case .deployments, .statefulsets: (status.readyReplicas ?? 0, item.spec?.replicas ?? 1)
            case .daemonsets: (status.numberReady ?? 0, status.desiredNumberScheduled ?? 0)
            }
        return ready < wanted ? "\(ready) of \(wanted) pods ready" : nil
    }
}

private struct WorkloadList: Decodable {
    var items: [Item]

    struct Item: Decodable {
        var metadata: Metadata
        var spec: Spec?
        var status: Status?
    }

    struct Metadata: Decodable {
        var name: String
        var generation: Int?
        var annotations: [String: String]?
    }

    struct Spec: Decodable {
        var replicas: Int?
    }

    struct Status: Decodable {
        var observedGeneration: Int?
        var readyReplicas: Int?
        var numberReady: Int?
        var desiredNumberScheduled: Int?
    }
}
