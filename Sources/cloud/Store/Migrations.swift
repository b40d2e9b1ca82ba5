import Foundation

/// A store's schema, one numbered step at a time. A step is never edited once released: add the
/// next one, with the same number in every dialect, so a version means the same schema in both.
protocol SchemaMigrations {
    static var steps: [(version: Int, sql: String)] { get }
}

extension SchemaMigrations {
    static var latest: Int { steps.map(\.version).max() ?? 0 }

    /// The steps a database at `current` still needs; refuses one written by a newer cloud
    /// server, whose schema this binary cannot know how to read.
    static func pending(after current: Int) throws(StoreError) -> [(version: Int, sql: String)] {
        guard current <= latest else { throw StoreError.schemaTooNew(found: current, supported: latest) }
        return steps.filter { $0.version > current }
    }
}

enum SQLiteMigrations: SchemaMigrations {
    static let steps: [(version: Int, sql: String)] = [
        (1, """
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
            """),
        // A cluster may name where its kubeconfig is kept (S3, Secrets Manager) instead of holding it.
        (2, "ALTER TABLE clusters ADD COLUMN kubeconfig_source TEXT"),
        // Leases: which cloud server works on an unfinished deployment, and until when.
        (3, """
            ALTER TABLE deployments ADD COLUMN lease_owner TEXT;
            ALTER TABLE deployments ADD COLUMN lease_expires INTEGER NOT NULL DEFAULT 0
            """),
        // The audit log: who did what through the API. AUTOINCREMENT so IDs are never reused.
        (4, """
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
            """),
    ]

    /// libsqlite3 prepares one statement at a time.
    static func statements(of sql: String) -> [String] {
        sql.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }
}
