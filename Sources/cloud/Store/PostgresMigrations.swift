/// The PostgreSQL schema: the same numbered steps as `SQLiteMigrations`, in PostgreSQL's dialect.
/// Version N means the same tables and columns in both, so one binary's `latest` holds for either.
///
/// Several cloud servers may share this database. The runner applies pending steps in one
/// transaction under an advisory lock, so servers starting together migrate once.
enum PostgresMigrations: SchemaMigrations {
    static let steps: [(version: Int, sql: String)] = [
        // IDs and names compare bytewise (COLLATE "C"), as in SQLite, so listings page in the same
        // order whatever locale the database was created with.
        (1, """
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
            """),
        // A cluster may name where its kubeconfig is kept (S3, Secrets Manager) instead of holding it.
        (2, "ALTER TABLE clusters ADD COLUMN kubeconfig_source TEXT"),
        // Leases: which cloud server works on an unfinished deployment, and until when.
        (3, "ALTER TABLE deployments ADD COLUMN lease_owner TEXT, ADD COLUMN lease_expires BIGINT NOT NULL DEFAULT 0"),
        // The audit log: who did what through the API.
        (4, """
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
            """),
    ]

    /// Taken by the migration transaction (pg_advisory_xact_lock); any constant unique to this schema.
    static let lockKey: Int64 = 0x636c_6f75_6473  // "clouds"
}
