public import FleetAPI
import Foundation

/// The checks on a deployment's chart, values and timeout that both servers apply to requests,
/// so a client gets the same answer from either.
public enum DeploymentFieldRules {
    public static let timeoutRange = 1...3600

    public static func validate(chart: ChartRequest?, values: JSONValue?, timeoutSeconds: Int?) throws(APIError) {
        if let version = chart?.version, !ChartVersion.isValid(version) {
            throw .badRequest("Chart.Version \"\(version)\" is not a chart version (e.g. 1.2.3)", field: "Chart.Version")
        }
        // No file:// here: a request must not make a server read its own disk (local charts come
        // from the provisioner's --chart-dir only).
        if let repository = chart?.repository {
            guard let url = URL(string: repository), ["http", "https", "oci"].contains(url.scheme?.lowercased() ?? ""),
                url.host?.isEmpty == false
            else {
                throw .badRequest("Chart.Repository must be an http(s) or oci URL", field: "Chart.Repository")
            }
        }
        if let digest = chart?.digest, digest.wholeMatch(of: /sha256:[0-9a-f]{64}/) == nil {
            throw .badRequest("Chart.Digest must be sha256: and 64 lower-case hex digits", field: "Chart.Digest")
        }
        if let values, values.objectValue == nil {
            throw .badRequest("Values must be a JSON object", field: "Values")
        }
        if let timeoutSeconds, !timeoutRange.contains(timeoutSeconds) {
            throw .badRequest("TimeoutSeconds must be between 1 and 3600", field: "TimeoutSeconds")
        }
    }

    /// `ForceConflicts` is how an apply writes fields; nothing else writes them.
    public static func validate(forceConflicts: Bool?, action: DeploymentAction) throws(APIError) {
        if forceConflicts == true, action != .apply {
            throw .badRequest("ForceConflicts is for an apply; a \(action.rawValue) applies nothing", field: "ForceConflicts")
        }
    }

    /// `Test` runs the chart's tests after an apply; nothing else has tests to run.
    public static func validate(test: Bool?, action: DeploymentAction) throws(APIError) {
        if test == true, action != .apply {
            throw .badRequest("Test runs the chart's tests after an apply; a \(action.rawValue) has none to run", field: "Test")
        }
    }
}
