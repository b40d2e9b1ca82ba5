/// What one operation holds while it runs: a resource on one cluster (its kubeconfig's API server,
/// or the source it is fetched from). Operations with the same key never overlap.
struct LockKey: Hashable, Sendable {
    var server: String
    /// Named by the strategy, e.g. "helm:nginx/nginx".
    var resource: String
}
