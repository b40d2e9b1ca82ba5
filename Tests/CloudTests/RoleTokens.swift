@testable import cloud

/// One token per role, for in-process tests of who may do what: `root` the admin, `op` the
/// operator, `watcher` the viewer.
enum RoleTokens {
    static let admin = "admin-token-0123456789"
    static let operatorToken = "operator-token-0123456789"
    static let viewer = "viewer-token-0123456789"
    static let all = APITokens([
        .init(token: admin, role: .admin, name: "root"), .init(token: operatorToken, role: .operator, name: "op"),
        .init(token: viewer, role: .viewer, name: "watcher"),
    ])
}
