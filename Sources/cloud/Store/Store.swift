import HTTPTypes
import ServerSupport

/// Where the cloud server keeps all of its state: `SQLStore` on one SQLite file, or on a
/// PostgreSQL database that several cloud servers share. Each kind of record has a protocol of its
/// own, and a caller depends on the ones it uses; `Store` is all of them, for what wires them.
///
/// Methods that change state take an optional audit entry, written in the same transaction as the
/// change, so the log never shows a change that did not happen nor misses one that did.
protocol Store: ClusterStore, DeploymentStore, RolloutStore, EventStore, WebhookStore, AuditStore, SessionStore, ProfileStore, ProfileTargetStore,
    DashboardReads, MetricsReads
{}

enum StoreError: Error, Equatable, CustomStringConvertible {
    case notFound(String)
    case conflict(String)
    case schemaTooNew(found: Int, supported: Int, oldestReader: Int)

    var description: String {
        switch self {
        case .notFound(let what): "\(what) not found"
        case .conflict(let why): why
        case .schemaTooNew(let found, let supported, let oldestReader):
            "the database schema is version \(found), for cloud servers of schema \(oldestReader) and newer; this one is schema \(supported): upgrade the cloud binary"
        }
    }
}

extension StoreError: APIErrorConvertible {
    var apiError: APIError {
        switch self {
        case .notFound: APIError.notFound(description)
        case .conflict: APIError.conflict(description)
        case .schemaTooNew: APIError(.internalServerError, "database schema mismatch")
        }
    }
}
