import Internal

/// A registered Kubernetes cluster. The kubeconfig is kept by the store and never leaves it
/// through the API.
struct Cluster: Codable, Sendable, Equatable {
    var id: String
    var name: String
    var dns: DNSConfig?
    var labels: [String]
    var utilities: UtilityMetadata
    var createAt: Int64

    enum CodingKeys: String, CodingKey {
        case id = "ID"
        case name = "Name"
        case dns = "DNS"
        case labels = "Labels"
        case utilities = "UtilityMetadata"
        case createAt = "CreateAt"
    }
}

/// Desired and actual utility versions keyed by service, like the Go tool's UtilityMetadata.
struct UtilityMetadata: Codable, Sendable, Equatable {
    var desiredVersions: [String: UtilityVersion?]
    var actualVersions: [String: UtilityVersion?]

    init(desiredVersions: [String: UtilityVersion?] = [:], actualVersions: [String: UtilityVersion?] = [:]) {
        self.desiredVersions = desiredVersions
        self.actualVersions = actualVersions
    }

    enum CodingKeys: String, CodingKey {
        case desiredVersions = "DesiredVersions"
        case actualVersions = "ActualVersions"
    }
}

/// The Go tool's HelmUtilityVersion: a chart version and where its values come from.
struct UtilityVersion: Codable, Sendable, Equatable {
    var chart: String
    var valuesPath: String

    init(chart: String, valuesPath: String = "") {
        self.chart = chart
        self.valuesPath = valuesPath
    }

    enum CodingKeys: String, CodingKey {
        case chart = "Chart"
        case valuesPath = "ValuesPath"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        chart = try container.decode(String.self, forKey: .chart)
        valuesPath = try container.decodeIfPresent(String.self, forKey: .valuesPath) ?? ""
    }
}
