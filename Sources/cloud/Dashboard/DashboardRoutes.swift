import Foundation
import Hummingbird
import ServerSupport

/// The dashboard: server-rendered pages of the fleet, kept live by `app.js` from the event
/// stream. Every page needs the viewer role (a session or a bearer token, see
/// `AccessMiddleware`); its buttons call the API with the caller's role and CSRF token.
struct DashboardRoutes: Sendable {
    let fleet: Fleet
    let templates: DashboardTemplates
    /// With tokens configured, `/login` starts sessions; without, the dashboard is as open as the API.
    let sessions: SessionCookie?
    let throttle: AuthThrottle

    func add(to router: Router<CloudRequestContext>) {
        router.get("/", use: fleet)
        router.get("/ui/cluster/:id", use: cluster)
        router.get("/ui/deployment/:id", use: deployment)
        router.get("/ui/rollouts", use: rollouts)
        router.get("/ui/rollout/:id", use: rollout)
        router.get("/ui/provisioners", use: provisioners)
        router.get("/ui/profiles", use: profiles)
        router.get("/ui/static/app.css") { _, _ in DashboardTemplates.asset(PackageResources.app_css, type: "text/css; charset=utf-8") }
        router.get("/ui/static/app.js") { _, _ in DashboardTemplates.asset(PackageResources.app_js, type: "text/javascript; charset=utf-8") }
        LoginRoutes(templates: templates, sessions: sessions, throttle: throttle, store: fleet.store, clock: fleet.clock).add(to: router)
    }

    @Sendable func fleet(_ request: Request, context: CloudRequestContext) async throws -> Response {
        var page = PageContext("Fleet", watch: "deployment cluster drift", context: context)
        page.onFleet = true
        let filter = FleetGrid.Filter(Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { first, _ in first })
        let services = fleet.services.order
        return templates.page(
            "grid",
            try await FleetGrid.make(store: fleet.store, services: services, filter: filter, page: page, now: fleet.clock.now.date)
        )
    }

    @Sendable func cluster(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let cluster = try await fleet.store.cluster(id) else { return notFound("cluster", id, context: context) }
        let deployments = try await fleet.store.recentDeployments(cluster: id, limit: 20)
        let page = PageContext("Cluster \(cluster.name)", watch: "id:\(cluster.id)", context: context)
        return templates.page("cluster", ClusterPage(cluster, deployments: deployments, page: page))
    }

    @Sendable func deployment(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let deployment = try await fleet.store.deployment(id) else { return notFound("deployment", id, context: context) }
        let page = PageContext("Deployment \(deployment.id)", watch: "id:\(deployment.id)", context: context)
        return templates.page("deployment", DeploymentPage(deployment, page: page))
    }

    @Sendable func rollouts(_ request: Request, context: CloudRequestContext) async throws -> Response {
        var page = PageContext("Rollouts", watch: "rollout", context: context)
        page.onRollouts = true
        let now = fleet.now()
        let rollouts = try await fleet.store.rollouts(state: nil, page: 0, perPage: 50).map { RolloutSummary($0, now: now) }
        return templates.page("rollouts", RolloutsPage(page: page, rollouts: rollouts))
    }

    @Sendable func rollout(_ request: Request, context: CloudRequestContext) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let rollout = try await fleet.store.rollout(id) else { return notFound("rollout", id, context: context) }
        var page = PageContext("Rollout \(rollout.id)", watch: "id:\(rollout.id)", context: context)
        page.onRollouts = true
        return templates.page("rollout", RolloutPage(rollout, now: fleet.now(), page: page))
    }

    @Sendable func provisioners(_ request: Request, context: CloudRequestContext) async throws -> Response {
        var page = PageContext("Provisioners", watch: "provisioner deployment", context: context)
        page.onProvisioners = true
        return templates.page("provisioners", ProvisionersPage(try await fleet.provisionerInstances(), page: page))
    }

    @Sendable func profiles(_ request: Request, context: CloudRequestContext) async throws -> Response {
        var page = PageContext("Profiles", watch: "rollout deployment cluster", context: context)
        page.onProfiles = true
        // The fleet read once for every profile on the page.
        let reconciliation = try await fleet.profileReconciliation()
        let drift = try await fleet.driftByCluster()
        var entries: [ProfilesPage.Entry] = []
        for revised in reconciliation.profiles {
            entries.append(
                ProfilesPage.entry(
                    revised,
                    status: try await fleet.status(of: revised, in: reconciliation, drift: drift),
                    plan: try await fleet.plan(revised.profile, in: reconciliation),
                    revisions: try await fleet.store.profileRevisions(revised.profile.name)
                )
            )
        }
        return templates.page("profiles", ProfilesPage(page: page, profiles: entries))
    }

    struct NotFoundPage: Sendable {
        var page: PageContext
        var what: String
        var id: String
    }

    private func notFound(_ what: String, _ id: String, context: CloudRequestContext) -> Response {
        let page = PageContext("Not found", watch: "", context: context)
        return templates.page("notfound", NotFoundPage(page: page, what: what, id: id), status: .notFound)
    }
}
