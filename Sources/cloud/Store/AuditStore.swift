import Logging

/// The audit log. Changes write their entry in their own transaction (the `audit` parameter of
/// the other stores' writes); this writes and reads the rest.
protocol AuditStore: Sendable {
    /// Writes an audit entry on its own: for requests that changed nothing (refusals, failures).
    func recordAudit(_ entry: AuditEntry) async throws
    /// Audit entries, newest first.
    func auditEntries(_ query: AuditQuery) async throws -> [AuditEntry]
    /// Deletes the audit entries written before `time`; returns how many went.
    func pruneAudit(before time: Int64) async throws -> Int
}

extension AuditStore {
    /// Writes an entry on its own for a request that is answered whatever happens here (a refusal):
    /// a failure to write is logged, not answered.
    func record(_ entry: AuditEntry, logger: Logger) async {
        do {
            try await recordAudit(entry)
        } catch {
            logger.error(
                "audit entry not written",
                metadata: ["error": "\(error)", "method": "\(entry.method)", "path": "\(entry.path)", "status": "\(entry.status)"]
            )
        }
    }
}
