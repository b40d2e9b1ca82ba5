import HTTPTypes

/// Which role each request needs: the one place that says so. Reads need a viewer, except the
/// audit log; the operator's writes are listed; every other request, including any route added
/// later and not listed here, needs an admin.
enum AccessPolicy {
    static let rules: [(method: HTTPRequest.Method, path: String, role: AccessRole)] = [
        (.get, "/api/audit", .admin),
        (.get, "/api/webhooks", .admin),
        (.post, "/api/deployments", .operator),
        (.delete, "/api/deployment/{id}", .operator),
        (.post, "/api/deployment/{id}/retry", .operator),
        (.post, "/api/cluster/{id}/provision", .operator),
        (.post, "/api/cluster/{id}/drift", .operator),
        (.post, "/api/cluster/{id}/labels", .operator),
        (.put, "/api/profile/{name}", .operator),
        (.delete, "/api/profile/{name}", .operator),
        (.post, "/api/profiles/plan", .operator),
        (.post, "/api/profiles/sync", .operator),
        (.post, "/api/rollouts", .operator),
        (.post, "/api/rollouts/plan", .operator),
        (.post, "/api/rollout/{id}/pause", .operator),
        (.post, "/api/rollout/{id}/resume", .operator),
        (.post, "/api/rollout/{id}/approve", .operator),
        (.post, "/api/rollout/{id}/cancel", .operator),
        (.post, "/api/rollout/{id}/undo", .operator),
    ]

    static func requiredRole(_ method: HTTPRequest.Method, path: String) -> AccessRole {
        let segments = path.split(separator: "/")
        let lookup = method == .head ? .get : method
        for rule in rules where rule.method == lookup {
            let template = rule.path.split(separator: "/")
            if template.count == segments.count, zip(template, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) {
                return rule.role
            }
        }
        return isReadOnly(method) ? .viewer : .admin
    }

    /// Reads change nothing, so only their refusals are audited.
    static func isReadOnly(_ method: HTTPRequest.Method) -> Bool {
        method == .get || method == .head
    }
}
