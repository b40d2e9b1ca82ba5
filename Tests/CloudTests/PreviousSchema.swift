/// The schema as cloud servers wrote it before the store was written once (schema version 4):
/// the SQL of the former `SQLiteMigrations` and `PostgresMigrations`, kept verbatim, so the tests
/// open databases those servers left behind rather than ones the current migrations make.
enum PreviousSchema {
    /// How each created its version table.
    static let sqliteVersionTable = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"
    static let postgresVersionTable = "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)"

    static let sqlite: [(version: Int, sql: String)] = [
        (
            1,
            """
            CREATE TABLE clusters (
                id TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                kubeconfig TEXT NOT NULL,
                dns TEXT,
                labels TEXT NOT NULL,
                utilities TEXT NOT NULL,
                create_at INTEGER NOT NULL,
                delete_at INTEGER NOT NULL DEFAULT 0
            );
            CREATE UNIQUE INDEX clusters_live_name ON clusters(name) WHERE delete_at = 0;
            CREATE TABLE deployments (
                id TEXT PRIMARY KEY,
                cluster_id TEXT NOT NULL REFERENCES clusters(id),
                service TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL,
                provisioner TEXT,
                create_at INTEGER NOT NULL
            );
            CREATE INDEX deployments_by_cluster ON deployments(cluster_id, service, create_at);
            CREATE INDEX deployments_by_state ON deployments(state, create_at);
            """
        ),
        // A cluster may name where its kubeconfig is kept (S3, Secrets Manager) instead of holding it.
        (2, "ALTER TABLE clusters ADD COLUMN kubeconfig_source TEXT"),
        // Leases: which cloud server works on an unfinished deployment, and until when.
        (
            3,
            """
            ALTER TABLE deployments ADD COLUMN lease_owner TEXT;
            ALTER TABLE deployments ADD COLUMN lease_expires INTEGER NOT NULL DEFAULT 0
            """
        ),
        // The audit log: who did what through the API. AUTOINCREMENT so IDs are never reused.
        (
            4,
            """
            CREATE TABLE audit (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                actor TEXT,
                role TEXT,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                targets TEXT NOT NULL,
                status INTEGER NOT NULL
            );
            CREATE INDEX audit_by_actor ON audit(actor, id)
            """
        ),
    ]

    static let postgres: [(version: Int, sql: String)] = [
        // IDs and names compare bytewise (COLLATE "C"), as in SQLite, so listings page in the same
        // order whatever locale the database was created with.
        (
            1,
            """
            CREATE TABLE clusters (
                id TEXT COLLATE "C" PRIMARY KEY,
                name TEXT COLLATE "C" NOT NULL,
                kubeconfig TEXT NOT NULL,
                dns TEXT,
                labels TEXT NOT NULL,
                utilities TEXT NOT NULL,
                create_at BIGINT NOT NULL,
                delete_at BIGINT NOT NULL DEFAULT 0
            );
            CREATE UNIQUE INDEX clusters_live_name ON clusters(name) WHERE delete_at = 0;
            CREATE TABLE deployments (
                id TEXT COLLATE "C" PRIMARY KEY,
                cluster_id TEXT COLLATE "C" NOT NULL REFERENCES clusters(id),
                service TEXT NOT NULL,
                body TEXT NOT NULL,
                state TEXT NOT NULL,
                provisioner TEXT,
                create_at BIGINT NOT NULL
            );
            CREATE INDEX deployments_by_cluster ON deployments(cluster_id, service, create_at);
            CREATE INDEX deployments_by_state ON deployments(state, create_at);
            """
        ),
        // A cluster may name where its kubeconfig is kept (S3, Secrets Manager) instead of holding it.
        (2, "ALTER TABLE clusters ADD COLUMN kubeconfig_source TEXT"),
        // Leases: which cloud server works on an unfinished deployment, and until when.
        (3, "ALTER TABLE deployments ADD COLUMN lease_owner TEXT, ADD COLUMN lease_expires BIGINT NOT NULL DEFAULT 0"),
        // The audit log: who did what through the API.
        (
            4,
            """
            CREATE TABLE audit (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                time BIGINT NOT NULL,
                actor TEXT COLLATE "C",
                role TEXT,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                targets TEXT NOT NULL,
                status INTEGER NOT NULL
            );
            CREATE INDEX audit_by_actor ON audit(actor, id)
            """
        ),
    ]
}
