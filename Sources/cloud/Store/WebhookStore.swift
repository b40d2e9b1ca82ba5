/// Webhooks and their outbox of deliveries.
protocol WebhookStore: Sendable {
    func createWebhook(_ webhook: Webhook, audit: AuditEntry?) async throws
    /// Every webhook with how its deliveries are going.
    func webhooks() async throws -> [Webhook]
    func deleteWebhook(_ id: String, audit: AuditEntry?) async throws
    /// Makes the `--webhook` hooks exactly these; the API's stay.
    func configureWebhooks(_ configured: [Webhook]) async throws
    /// Queues a delivery per webhook for each new event it takes; returns how many.
    func enqueueWebhookDeliveries(now: Int64, limit: Int) async throws -> Int
    /// Takes due deliveries, at most one per (webhook, object) at a time, oldest first.
    func claimWebhookDeliveries(owner: String, now: Int64, until: Int64, limit: Int) async throws -> [WebhookDelivery]
    /// Records a delivery's attempt: taken (`error` nil), to be tried at `retryAt`, or given up.
    func finishWebhookDelivery(_ delivery: WebhookDelivery, at now: Int64, error: String?, retryAt: Int64?) async throws
}
