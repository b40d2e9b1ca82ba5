public import FleetAPI

extension DeploymentFieldRules {
    public static let maxValueReferences = 50

    /// Each reference names one place in AWS and a path of plain keys that `values` does not
    /// already fill: a value from two places would leave which one wins to the order of merging.
    public static func validate(valuesFrom: [ValueReference]?, values: JSONValue?) throws(APIError) {
        guard let valuesFrom else { return }
        guard valuesFrom.count <= maxValueReferences else {
            throw .badRequest("ValuesFrom may hold at most \(maxValueReferences) references", field: "ValuesFrom")
        }
        var paths: Set<String> = []
        for (index, reference) in valuesFrom.enumerated() {
            let field = "ValuesFrom[\(index)]"
            let keys = reference.keys
            guard reference.path.count <= 253,
                keys.allSatisfy({ key in !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) } })
            else {
                throw .badRequest(
                    "\(field).Path must be keys of letters, digits, '_' or '-' separated by dots (e.g. grafana.adminPassword)",
                    field: "\(field).Path"
                )
            }
            guard paths.insert(reference.path).inserted else {
                throw .badRequest("\(field).Path \(reference.path) is filled by an earlier reference", field: "\(field).Path")
            }
            if let conflict = conflict(keys, in: values) {
                throw .badRequest("\(field).Path \(reference.path) \(conflict)", field: "\(field).Path")
            }
            switch (reference.secretsManager, reference.ssmParameter) {
            case (let secret?, nil):
                guard (1...2048).contains(secret.secretID.count) else {
                    throw .badRequest("\(field).SecretsManager.SecretID must be 1 to 2048 characters", field: "\(field).SecretsManager.SecretID")
                }
            case (nil, let parameter?):
                guard (1...2048).contains(parameter.name.count) else {
                    throw .badRequest("\(field).SSMParameter.Name must be 1 to 2048 characters", field: "\(field).SSMParameter.Name")
                }
            default:
                throw .badRequest("\(field) needs exactly one of SecretsManager {SecretID} or SSMParameter {Name}", field: field)
            }
            if let key = reference.key, !(1...256).contains(key.count) {
                throw .badRequest("\(field).Key must be 1 to 256 characters", field: "\(field).Key")
            }
        }
    }

    /// Why `keys` cannot be filled in `values`, if it cannot: the path is set already, or runs
    /// through something that is not an object.
    private static func conflict(_ keys: [String], in values: JSONValue?) -> String? {
        var node = values
        for (depth, key) in keys.enumerated() {
            guard let current = node else { return nil }
            guard let object = current.objectValue else {
                return "runs through \(keys[..<depth].joined(separator: ".")), which Values sets to something other than an object"
            }
            node = object[key]
        }
        return node == nil ? nil : "is also set in Values"
    }
}
