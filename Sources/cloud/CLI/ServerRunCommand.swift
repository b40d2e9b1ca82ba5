import ArgumentParser
import FleetAPI
import Foundation
import HTTPClient
import Logging
import ServerSupport
import Telemetry

struct ServerRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the cloud server: the API, the database and the supervisor that drives the provisioners (the default)."
    )

    @OptionGroup(title: "Serving")
    var serving: ServerOptions<CloudServerNaming>

    @Option(
        help: ArgumentHelp(
            "sqlite://PATH (the default), or postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=verify-full for PostgreSQL (also postgresql://). (CLOUD_DATABASE)",
            discussion:
                "The PostgreSQL URL goes to libpq as it is: any libpq parameter may follow the ?. Without a password in it, libpq reads PGPASSWORD or ~/.pgpass."
        )
    )
    var database = ProcessInfo.processInfo.environment["CLOUD_DATABASE"] ?? "sqlite://cloud.db"

    @Option(
        name: .customLong("provisioner"),
        help: ArgumentHelp(
            "A provisioner's URL; repeat for several. A host name stands for every address it resolves to (re-resolved every --poll).",
            discussion: "Point it at a Kubernetes headless Service (clusterIP: None) to use each provisioner pod as an instance."
        )
    )
    var provisioners: [String] = []

    @Option(help: "Resolve provisioner host names from this file (/etc/hosts format, re-read every --poll) before DNS.")
    var provisionerHostsFile: String?

    @Option(help: "How often the supervisor polls provisioners, e.g. 5s.")
    var poll = "5s"

    @Option(help: "How long a provisioner may be unreachable before its work goes elsewhere.")
    var lostAfter = "30s"

    @Option(help: "Dispatch attempts before a deployment fails.")
    var maxAttempts = 5

    @Option(help: "How long audit entries are kept, e.g. 2160h for 90 days; pruned hourly. Default: for good.")
    var auditRetention: String?

    @Option(help: "Check every utility of every cluster for drift once per this long, spread over it; 0 turns checks off.")
    var driftInterval = "10m"

    @Flag(
        help: ArgumentHelp(
            "Label the ended-deployment and attempt series by cluster too (cloud_deployments_ended_total, cloud_deployment_duration_seconds, cloud_deployment_attempts_total).",
            discussion: "For small fleets: every cluster adds series. Off, no series carries a cluster ID."
        )
    )
    var metricsClusterLabels = false

    @Option(help: "Besides on every change, check the fleet against its profiles once per this long (windows opening, work retried).")
    var profileInterval = "30s"

    @OptionGroup(title: "Profiles in Git") var profilesGit: ProfilesGitOptions

    @Option(
        help: "warn (log and record drift) or correct (also apply the desired version again); a cluster's label drift-correction=... overrides it."
    )
    var driftCorrection: DriftMonitor.Policy = .warn

    @Option(
        name: .customLong("webhook"),
        help: ArgumentHelp(
            "POST each event (see --webhook-events) to this URL; repeat for several. More can be added with `cloud webhook add`.",
            discussion: "Deliveries are kept in the database and retried for up to 24 h; `cloud webhook list` shows how each endpoint is doing."
        )
    )
    var webhooks: [String] = []

    @Option(help: "json (the event), or mattermost or slack (a line of text and a link); signed with --webhook-secret-file.")
    var webhookFormat = "json"

    @Option(help: "Which events the --webhook hooks get, e.g. rollout.halted,deployment.failed,drift.* (default: all).")
    var webhookEvents: String?

    @Option(help: "File with the secret that signs --webhook bodies (X-Signature-256: sha256=HMAC).")
    var webhookSecretFile: String?

    @Option(help: "The dashboard's address as people open it, for the links in webhook messages (default: this server's address).")
    var dashboardURL: String?

    @Option(help: "File with the bearer token to send to provisioners (their --auth-token-file).")
    var authTokenFile: String?

    @Option(
        help: ArgumentHelp(
            "File with the bearer tokens users may send, one per line: TOKEN (an admin) or TOKEN ROLE NAME; the API then answers 401 without one.",
            discussion:
                "ROLE is viewer (reads), operator (also deploys, cancels and provisions) or admin (everything); NAME is what the audit log shows. The file is read again when it changes (every 5 s, and on SIGHUP)."
        )
    )
    var apiTokenFile: String?

    @Option(
        help: ArgumentHelp(
            "Failed authentications (bad tokens, refused sign-ins) an address may make in a minute; then it is answered 429 until the minute ends. 0 turns this off.",
            discussion: "Behind a proxy every client has the proxy's address; dashboard sessions are never held up."
        )
    )
    var authFailureLimit = 20

    @Option(help: "File of base64 32-byte keys that encrypt kubeconfigs at rest (AES-GCM); the first encrypts, all decrypt. (CLOUD_SECRET_KEY_FILE)")
    var secretKeyFile: String?

    @Option(help: "PEM CA certificate to verify https provisioners with, beyond the system's trust store.")
    var ca: String?

    @Flag(
        help: ArgumentHelp(
            "Accept kubeconfigs whose user has an exec credential plugin. (CLOUD_ALLOW_KUBECONFIG_EXEC=true)",
            discussion:
                "The plugin runs as a command on the provisioners, which need their own --allow-kubeconfig-exec: only for sites where whoever may register a cluster may also run commands there."
        )
    )
    var allowKubeconfigExec = ProcessInfo.processInfo.environment["CLOUD_ALLOW_KUBECONFIG_EXEC"] == "true"

    @Option(name: .customLong("allowed-api-server"), help: AddressPolicyHelp.apiServers(variable: "CLOUD_ALLOWED_API_SERVERS"))
    var allowedAPIServers: [String] = Self.list("CLOUD_ALLOWED_API_SERVERS")

    @Option(
        name: .customLong("allowed-webhook-target"),
        help: ArgumentHelp(
            "A CIDR range, an address or a host name (exact or *.suffix) webhooks may send to; repeatable. Default: any public address. (CLOUD_ALLOWED_WEBHOOK_TARGETS, comma-separated)",
            discussion:
                "Private, loopback, link-local, metadata, multicast and reserved addresses are refused unless a range given here lies inside them (10.0.0.0/8 reaches that private range). Each delivery checks the address the host resolves to and connects to that one."
        )
    )
    var allowedWebhookTargets: [String] = Self.list("CLOUD_ALLOWED_WEBHOOK_TARGETS")

    @OptionGroup(title: "Rollouts judged by metrics") var analysis: AnalysisOptions

    @Option(name: .customLong("secret-key-word"), help: SecretValues.flagHelp(variable: "CLOUD_SECRET_KEY_WORDS"))
    var secretKeyWords: [String] = Self.list("CLOUD_SECRET_KEY_WORDS")

    private static func list(_ variable: String) -> [String] { CommaSeparated.entries(ProcessInfo.processInfo.environment[variable]) }

    func run() async throws {
        guard maxAttempts >= 1 else { throw ValidationError("--max-attempts must be at least 1") }
        guard authFailureLimit >= 0 else { throw ValidationError("--auth-failure-limit must not be negative") }
        let provisioners = provisioners.isEmpty ? ["http://127.0.0.1:8076"] : provisioners
        for url in provisioners where URL(string: url)?.host == nil {
            throw ValidationError("--provisioner: \"\(url)\" is not a URL")
        }
        let kubeconfigPolicy = KubeconfigPolicy(
            allowExec: allowKubeconfigExec,
            servers: try AddressPolicy.apiServers.allowing(flagValues: allowedAPIServers, flag: "--allowed-api-server")
        )
        let webhookTargets = try AddressPolicy.webhooks.allowing(flagValues: allowedWebhookTargets, flag: "--allowed-webhook-target")
        let analysis = try self.analysis.configuration()
        let supervisor: Supervisor.Configuration
        let retention: Duration?
        let drift: Duration
        let profiles: Duration
        let gitInterval: Duration
        do {
            gitInterval = try GoDuration.parse(profilesGit.interval)
            drift = driftInterval == "0" ? .zero : try GoDuration.parse(driftInterval)
            profiles = try GoDuration.parse(profileInterval)
            guard profiles >= .seconds(1) else { throw ValidationError("--profile-interval must be at least 1s") }
            supervisor = Supervisor.Configuration(
                poll: try GoDuration.parse(poll),
                lifecycle: .init(lostAfter: try GoDuration.parse(lostAfter), maxAttempts: maxAttempts),
                kubeconfigPolicy: kubeconfigPolicy,
                analysis: analysis
            )
            retention = try auditRetention.map { try GoDuration.parse($0) }
        } catch {
            throw ValidationError("\(error)")
        }
        if let retention, retention < .seconds(3600) { throw ValidationError("--audit-retention must be at least 1h") }
        let provisionerToken: String?
        let apiTokens: LiveTokens?
        do {
            provisionerToken = try authTokenFile.map { try TokenFile.read($0)[0] }
            apiTokens = try apiTokenFile.map { LiveTokens(APITokens(try TokenFile.entries($0))) }
        } catch {
            throw ValidationError("\(error)")
        }
        let served = try serving.serving(environment: ProcessInfo.processInfo.environment, hasTokens: apiTokens != nil)
        var provisionerTLS = TLSOptions()
        if let ca {
            guard let data = FileManager.default.contents(atPath: ca) else { throw ValidationError("--ca: cannot read \(ca)") }
            provisionerTLS.certificateAuthority = data
        }
        let webhooks: [Webhook]
        do {
            let secret = try webhookSecretFile.map { try TokenFile.read($0)[0] }
            webhooks = try self.webhooks.map { url throws(APIError) in
                try WebhookRoutes.webhook(
                    url: url,
                    format: webhookFormat,
                    events: webhookEvents,
                    secret: secret,
                    origin: .flag,
                    fields: (url: "--webhook", format: "--webhook-format", events: "--webhook-events", secret: "--webhook-secret-file"),
                    createAt: SystemClock().millisecondsSince1970,
                    targets: webhookTargets
                )
            }
            if let dashboardURL { _ = try Webhook.validatedURL(dashboardURL, field: "--dashboard-url") }
        } catch let error as APIError {
            throw ValidationError(error.message)
        } catch {
            throw ValidationError("--webhook-secret-file: \(error)")
        }
        let store = try await Self.openStore(database, secretKeyFile: secretKeyFile ?? ProcessInfo.processInfo.environment["CLOUD_SECRET_KEY_FILE"])
        let logger = StructuredLogHandler.logger(label: "cloud", format: served.logFormat, level: served.logLevel)
        let tracer = try OTLPTracer(endpoint: served.otelEndpoint, service: "cloud", version: BuildInfo.version, logger: logger)
        if let schema = (store as? SQLStore)?.schemaVersion, schema > Migrations.current.latest {
            logger.notice(
                "the database schema is newer than this server's; it may use it until the upgrade ends",
                metadata: ["schema": "\(schema)", "server_schema": "\(Migrations.current.latest)"]
            )
        }
        try await CloudServer(
            configuration: .init(
                address: served.address,
                store: store,
                provisioners: provisioners,
                resolver: ProvisionerResolver(hostsFile: provisionerHostsFile),
                provisionerToken: provisionerToken,
                provisionerTLS: provisionerTLS,
                apiTokens: apiTokens,
                apiTokenFile: apiTokenFile,
                tls: served.tls,
                supervisor: supervisor,
                // A SQLite file has one server: a restart takes its predecessor's leases over at once
                // instead of waiting for them to expire.
                leaseOwner: database.hasPrefix("sqlite://") ? "sqlite" : ID.make(),
                auditRetention: retention,
                kubeconfigPolicy: kubeconfigPolicy,
                webhookTargets: webhookTargets,
                secretValues: try SecretValues.adding(flagValues: secretKeyWords),
                driftInterval: drift > .zero ? drift : nil,
                driftCorrection: driftCorrection,
                metricsClusterLabels: metricsClusterLabels,
                profileInterval: profiles,
                profilesGit: try profilesGit.configuration(),
                profilesGitInterval: gitInterval,
                webhooks: webhooks,
                dashboardURL: dashboardURL,
                authThrottle: .init(limit: authFailureLimit),
                tracer: tracer
            ),
            logger: logger
        ).run()
    }

    /// The store a `--database` URL names.
    static func openStore(_ url: String, secretKeyFile: String?) async throws -> any Store {
        let cipher: KubeconfigCipher?
        do {
            cipher = try secretKeyFile.map { try KubeconfigCipher.load(path: $0) }
        } catch {
            throw ValidationError("--secret-key-file: \(error)")
        }
        do {
            if url.hasPrefix("sqlite://") {
                return try await SQLStore(sqlite: String(url.dropFirst("sqlite://".count)), cipher: cipher)
            }
            if PostgresURL.schemes.contains(where: url.hasPrefix) {
                return try await SQLStore(postgres: url, cipher: cipher)
            }
        } catch {
            // PostgresError and the store's own errors never carry the URL's password.
            throw ValidationError("--database: \(error)")
        }
        throw ValidationError("--database: expected sqlite://PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
    }
}

extension DriftMonitor.Policy: ExpressibleByArgument {}

/// The cloud server's names for the servers' shared flags.
enum CloudServerNaming: ServerNaming {
    static let prefix = "CLOUD"
    static let defaultListen = ":8075"
    static let tokenFlag = "--api-token-file"
}
