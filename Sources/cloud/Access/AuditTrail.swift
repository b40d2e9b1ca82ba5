import Foundation
import HTTPTypes
import Synchronization

/// One request's audit entry, on its way to the store.
///
/// Where a request has an effect, its entry is written in the effect's own transaction: the route
/// makes the change inside `recording`, passing the entry it is given to the store method, so the
/// change and its entry commit (or roll back) together. Everything else, refusals and failures
/// included, is written afterwards by `AccessMiddleware` on its own, with the answer's status;
/// `isWritten` tells it when the route's transaction already wrote the entry.
final class AuditTrail: Sendable {
    /// Who asked for what; the route adds targets and the status it will answer with.
    let draft: AuditEntry
    private let written = Mutex(false)

    init(draft: AuditEntry) {
        self.draft = draft
    }

    var isWritten: Bool { written.withLock { $0 } }

    /// Runs `write`, the store call that makes the change and writes the entry it is given (the
    /// request acting on `targets`, answered with `status`), and remembers that it did.
    func recording<T>(targets: [String], status: HTTPResponse.Status, _ write: (AuditEntry) async throws -> T) async throws -> T {
        var entry = draft
        entry.targets = targets
        entry.status = status.code
        let result = try await write(entry)
        written.withLock { $0 = true }
        return result
    }
}
