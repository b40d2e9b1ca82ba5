/// How a rollout judges each wave by its clusters' own metrics while the wave soaks: every
/// `intervalSeconds` for `durationSeconds`, each check's PromQL query is read from the cluster's
/// Prometheus and held to its bound, and, with `compareToBaseline`, to what clusters the rollout
/// has not changed yet answer. A cluster fails its analysis when a check fails `failureLimit`
/// evaluations or cannot be read `inconclusiveLimit` times; the rollout's failure budget then
/// decides, and `onFailure: undo` rolls back every cluster the rollout changed once it halts.
struct RolloutAnalysis: Codable, Sendable, Equatable {
    var prometheus: Source
    var checks: [Check]
    var intervalSeconds: Int
    var durationSeconds: Int
    var failureLimit: Int
    var inconclusiveLimit: Int
    var onFailure: OnFailure

    /// Where each cluster's metrics are read.
    struct Source: Codable, Sendable, Equatable {
        /// A URL template over the cluster (`ClusterTemplate`): one Prometheus per cluster, or one
        /// central server whose queries select the cluster by a label.
        var url: String
        /// The name of a token the cloud server was given (`--metrics-token NAME=FILE`), sent as a
        /// bearer token. A name, not a path: a path chosen by a client would let anyone send any
        /// file of the server's to a URL of their choosing.
        var bearerToken: String?
    }

    /// One query and what its value must stay within.
    struct Check: Codable, Sendable, Equatable {
        /// Unique in the analysis; how results and charts name it.
        var name: String
        /// PromQL, a template over the cluster, answering one number (several series: the worst).
        var query: String
        var max: Double?
        var min: Double?
        var compareToBaseline: Baseline?
    }

    /// How much worse than the clusters not yet changed a cluster may be: a fleet-wide incident
    /// that raises both does not fail the change.
    struct Baseline: Codable, Sendable, Equatable {
        /// By at most this much, in the query's unit.
        var maxIncrease: Double?
        /// By at most this share of the baseline's value (0.2: 20% worse).
        var maxIncreaseRatio: Double?
        /// False when a lower value is worse (throughput, ready replicas).
        var higherIsWorse: Bool?
    }

    enum OnFailure: String, Codable, Sendable, CaseIterable {
        /// The rollout halts as any failure over its budget halts it.
        case halt
        /// Once halted (and its in-flight clusters ended), every cluster it changed is rolled back.
        case undo
    }

    /// The cluster's own Prometheus, as the prometheus service names it in the cluster's private
    /// DNS zone.
    static let defaultURL = "http://{{cluster.id}}.prometheus.{{cluster.privateDomain}}"

    /// How many evaluations a wave's soak holds.
    var rounds: Int { Swift.max(1, durationSeconds / intervalSeconds) }
}

/// Where the analysis of the wave that soaks now stands (nil between waves).
struct AnalysisProgress: Codable, Sendable, Equatable {
    var wave: Int
    /// Evaluations recorded; the next is `rounds + 1`.
    var rounds: Int
    /// When the soak began: evaluation `n` is due `n` intervals later.
    var startAt: Int64

    func dueAt(round: Int, _ analysis: RolloutAnalysis) -> Int64 {
        startAt + Int64(round * analysis.intervalSeconds) * 1000
    }
}
