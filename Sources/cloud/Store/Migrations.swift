import FleetAPI
import Foundation

/// The store's schema, one numbered step at a time, written once for both dialects. A step is
/// never edited once released: add the next one. Version N means the same tables and columns in
/// SQLite and PostgreSQL, so one binary's `latest` holds for either.
///
/// During a rolling upgrade servers of two schema versions share one database, so a step says
/// whether servers of the previous version keep working after it (`expand`: it only adds what
/// they never read and may leave out of their writes) or must all have stopped (`contract`). The
/// database records, with its version, the oldest version whose servers may use it.
struct Migrations: Sendable {
    struct Step: Sendable {
        var version: Int
        var change: Change
        var sql: String

        init(_ version: Int, _ change: Change, _ sql: String) {
            self.version = version
            self.change = change
            self.sql = sql
        }
    }

    enum Change: Sendable {
        /// Servers of the previous schema keep working: new tables, nullable or defaulted columns,
        /// indexes. A column they never write must not need a value, nor need to agree with theirs.
        case expand
        /// Servers before this step must have stopped: it drops, renames or changes what they read,
        /// or they would write data this version reads wrongly.
        case contract
    }

    let steps: @Sendable (SQLDialect) -> [Step]

    /// The same in both dialects: the numbers do not depend on the spelling.
    var latest: Int { steps(.sqlite).map(\.version).max() ?? 0 }

    /// The oldest schema version whose servers may use a database migrated to `version`: the last
    /// contract step up to it.
    func oldestReader(of version: Int) -> Int {
        steps(.sqlite).filter { $0.version <= version && $0.change == .contract }.map(\.version).max() ?? 0
    }

    /// The steps this binary ships. Until schema 12 no database recorded who could read it and
    /// servers refused any newer schema, so every step up to 12 is a contract.
    static let current = Migrations(steps: released)

    private static func released(_ d: SQLDialect) -> [Step] {
        [
            Step(
                1,
                .contract,
                """
                CREATE TABLE clusters (
                    id \(d.key) PRIMARY KEY,
                    name \(d.key) NOT NULL,
                    kubeconfig TEXT NOT NULL,
                    dns TEXT,
                    labels TEXT NOT NULL,
                    utilities TEXT NOT NULL,
                    create_at \(d.bigint) NOT NULL,
                    delete_at \(d.bigint) NOT NULL DEFAULT 0
                );
                CREATE UNIQUE INDEX clusters_live_name ON clusters(name) WHERE delete_at = 0;
                CREATE TABLE deployments (
                    id \(d.key) PRIMARY KEY,
                    cluster_id \(d.key) NOT NULL REFERENCES clusters(id),
                    service TEXT NOT NULL,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL,
                    provisioner TEXT,
                    create_at \(d.bigint) NOT NULL
                );
                CREATE INDEX deployments_by_cluster ON deployments(cluster_id, service, create_at);
                CREATE INDEX deployments_by_state ON deployments(state, create_at);
                """
            ),
            // A cluster may name where its kubeconfig is kept (S3, Secrets Manager) instead of holding it.
            Step(2, .contract, "ALTER TABLE clusters ADD COLUMN kubeconfig_source TEXT"),
            // Leases: which cloud server works on an unfinished deployment, and until when.
            Step(
                3,
                .contract,
                """
                ALTER TABLE deployments ADD COLUMN lease_owner TEXT;
                ALTER TABLE deployments ADD COLUMN lease_expires \(d.bigint) NOT NULL DEFAULT 0
                """
            ),
            // The audit log: who did what through the API. Its IDs are never reused.
            Step(
                4,
                .contract,
                """
                CREATE TABLE audit (
                    id \(d.generatedID),
                    time \(d.bigint) NOT NULL,
                    actor \(d.key),
                    role TEXT,
                    method TEXT NOT NULL,
                    path TEXT NOT NULL,
                    targets TEXT NOT NULL,
                    status INTEGER NOT NULL
                );
                CREATE INDEX audit_by_actor ON audit(actor, id)
                """
            ),
            // Rollouts, and the (cluster, service) pairs of the active ones: the unique index
            // refuses a second active rollout of a pair, even from another server at the same time.
            Step(
                5,
                .contract,
                """
                CREATE TABLE rollouts (
                    id \(d.key) PRIMARY KEY,
                    service TEXT NOT NULL,
                    state TEXT NOT NULL,
                    body TEXT NOT NULL,
                    create_at \(d.bigint) NOT NULL
                );
                CREATE INDEX rollouts_by_state ON rollouts(state, create_at);
                CREATE TABLE rollout_targets (
                    rollout_id \(d.key) NOT NULL REFERENCES rollouts(id),
                    cluster_id \(d.key) NOT NULL,
                    service TEXT NOT NULL,
                    active INTEGER NOT NULL,
                    PRIMARY KEY (rollout_id, cluster_id)
                );
                CREATE UNIQUE INDEX rollout_targets_active ON rollout_targets(cluster_id, service) WHERE active = 1
                """
            ),
            // The event log the stream and webhooks read, the webhooks, and their outbox: a
            // delivery per (webhook, event), tried until it is taken or a day has passed.
            Step(
                6,
                .contract,
                """
                CREATE TABLE events (
                    id \(d.generatedID),
                    time \(d.bigint) NOT NULL,
                    type TEXT NOT NULL,
                    body TEXT NOT NULL
                );
                CREATE INDEX events_by_time ON events(time);
                CREATE TABLE webhooks (
                    id \(d.key) PRIMARY KEY,
                    url TEXT NOT NULL,
                    secret TEXT,
                    format TEXT NOT NULL,
                    events TEXT NOT NULL,
                    origin TEXT NOT NULL,
                    event_cursor \(d.bigint) NOT NULL,
                    last_error TEXT,
                    last_error_at \(d.bigint) NOT NULL DEFAULT 0,
                    last_delivered_at \(d.bigint) NOT NULL DEFAULT 0,
                    create_at \(d.bigint) NOT NULL
                );
                CREATE TABLE webhook_deliveries (
                    id \(d.generatedID),
                    webhook_id \(d.key) NOT NULL,
                    event_id \(d.bigint) NOT NULL,
                    object_key TEXT NOT NULL,
                    body TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_at \(d.bigint) NOT NULL,
                    lease_owner TEXT,
                    lease_expires \(d.bigint) NOT NULL DEFAULT 0,
                    last_error TEXT,
                    create_at \(d.bigint) NOT NULL
                );
                CREATE INDEX webhook_deliveries_due ON webhook_deliveries(state, next_at);
                CREATE INDEX webhook_deliveries_by_object ON webhook_deliveries(webhook_id, object_key, id)
                """
            ),
            // How many of a cluster's utilities drifted, kept with its utilities, so the fleet's
            // drifted ones are found by an index instead of by reading every cluster; and one
            // cluster's deployments in one state without reading every deployment in that state.
            Step(
                7,
                .contract,
                """
                ALTER TABLE clusters ADD COLUMN drifted INTEGER NOT NULL DEFAULT 0;
                CREATE INDEX clusters_drifted ON clusters(drifted) WHERE drifted > 0;
                CREATE INDEX deployments_by_cluster_state ON deployments(cluster_id, state, create_at)
                """
            ),
            // A rollout's clusters and history in rows of their own, its waves written once, so a
            // step of one cluster rewrites that cluster's row instead of the whole rollout; the
            // revision names the last write, so a server knows when its copy is still current.
            // Rollouts written before keep their document until `SQLStore.moveRolloutDocuments`.
            Step(
                8,
                .contract,
                """
                ALTER TABLE rollouts ADD COLUMN waves TEXT;
                ALTER TABLE rollouts ADD COLUMN revision TEXT;
                CREATE TABLE rollout_clusters (
                    rollout_id \(d.key) NOT NULL REFERENCES rollouts(id),
                    ordinal INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (rollout_id, ordinal)
                );
                CREATE TABLE rollout_history (
                    rollout_id \(d.key) NOT NULL REFERENCES rollouts(id),
                    ordinal INTEGER NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (rollout_id, ordinal)
                )
                """
            ),
            // Dashboard sessions ended before they expired: signed out (by the session's ID, kept
            // until it would have expired), or revoked for their holder (sessions issued until then).
            Step(
                9,
                .contract,
                """
                CREATE TABLE ended_sessions (
                    id \(d.key) PRIMARY KEY,
                    expires \(d.bigint) NOT NULL
                );
                CREATE TABLE session_revocations (
                    holder \(d.key) PRIMARY KEY,
                    revoked_at \(d.bigint) NOT NULL
                )
                """
            ),
            // Fleet profiles: every change a revision (a deletion one without a document), so
            // who changed what, and from which Git commit, stays readable.
            Step(
                10,
                .contract,
                """
                CREATE TABLE profile_revisions (
                    name \(d.key) NOT NULL,
                    revision INTEGER NOT NULL,
                    document TEXT,
                    author TEXT,
                    git_commit TEXT,
                    create_at \(d.bigint) NOT NULL,
                    PRIMARY KEY (name, revision)
                )
                """
            ),
            // What the profiles last asked of each (cluster, service), so only a changed render
            // gets work; the leases by which one of several servers runs a fleet-wide task; the
            // commit each Git source was last applied at; and each cluster's Kubernetes version,
            // which profiles choose chart versions by.
            Step(
                11,
                .contract,
                """
                CREATE TABLE profile_targets (
                    cluster_id \(d.key) NOT NULL,
                    service \(d.key) NOT NULL,
                    body TEXT NOT NULL,
                    PRIMARY KEY (cluster_id, service)
                );
                CREATE TABLE leader_leases (
                    name \(d.key) PRIMARY KEY,
                    owner TEXT NOT NULL,
                    until \(d.bigint) NOT NULL
                );
                CREATE TABLE profile_sources (
                    name \(d.key) PRIMARY KEY,
                    body TEXT NOT NULL
                );
                ALTER TABLE clusters ADD COLUMN kubernetes_version TEXT
                """
            ),
            // The oldest schema version whose servers may use the database, recorded with each
            // version, so a server of an older one knows whether it may keep working.
            Step(12, .contract, "ALTER TABLE schema_migrations ADD COLUMN oldest_reader INTEGER NOT NULL DEFAULT 0"),
            // Each deployment's action in a column, so listings can leave plans and checks out
            // without reading every body. Servers of schema 12 leave it empty in what they insert;
            // such rows are listed as if they were applies.
            Step(
                13,
                .expand,
                """
                ALTER TABLE deployments ADD COLUMN action TEXT;
                UPDATE deployments SET action = \(d.jsonText("body", "Action"))
                """
            ),
        ]
    }
}
